# Rathaus — English interface texts. Tenants can override any message in
# <tenant>/locales/en.ftl.

skip-to-content = Skip to content
switch-language = Deutsch
demo-label = Demo
demo-text = This is a demonstration portal. All information is fictional; applications are not processed.
site-tagline = Public services online

nav-label = Main navigation
nav-home = Home
nav-services = Services A–Z
nav-topics = Topics
nav-life-situations = Life situations
nav-offices = Offices
nav-search = Search
breadcrumbs-label = You are here
footer-nav-label = Legal
footer-all-portals = All portals
footer-powered = Rathaus – free and open service portal for municipalities

legal-imprint = Legal notice
legal-privacy = Privacy
legal-accessibility = Accessibility

portal-home-title = Home
portal-home-intro = Choose your town or district. There you find every service you can apply for or prepare online.
portal-choose-tenant = Choose a municipality
tenant-kind-stadt = Town
tenant-kind-gemeinde = Municipality
tenant-kind-kreis = District

tenant-home-title = Home
tenant-home-heading = Service portal { $name }
service-count = { $count ->
    [0] no services
    [one] one service
   *[other] { $count } services
}
all-services-link = All services from A to Z ({ $count })
services-heading = Services from A to Z

search-label = What are you looking for?
search-button = Search
search-hint = For example: dog, naturalisation, waste bin
search-title-query = Search for “{ $query }”
search-results = { $count ->
    [0] No results for “{ $query }”
    [one] One result for “{ $query }”
   *[other] { $count } results for “{ $query }”
}
search-none = Try another word or browse the topics:
search-truncated = Your input was longer than { $max } characters. We searched for the first { $max } characters only.

badge-fully-online = Fully online
badge-partly-online = Partly online
responsible = Responsible
included-notice = This service is provided by { $provider }. Your application goes straight there.
included-provider-link = Go to the portal of { $provider }
easy-language-link = This page in plain language
easy-language = Plain language
easy-title = { $title } – in plain language
easy-where = Where can I get help?
easy-back = Back to: { $title }

section-description = What is it about?
section-eligibility = Who can apply?
section-documents = Which documents do you need?
section-fees = What does it cost?
section-processing = How long does it take?
section-online = Doing it online
section-office = Responsible office
section-legal = Legal basis
section-related = Related topics and life situations
document-optional = only if applicable
documents-none = You do not need any documents.
fee-item = Item
fee-amount = Amount
fee-range = { $from } to { $to }
fees-none = This service is free of charge.
processing-days = { $days ->
    [one] Usually one day.
   *[other] Usually up to { $days } days.
}
online-full = You can do everything online, from the application to the decision.
online-partial = You can apply online. Part of the procedure does not take place online.
leika-key = LeiKa key
definition-version = Version of this description
phone = Phone
email = Email

office-address = Address
office-contact = Contact
office-hours = Opening hours
office-hours-none = By appointment.
office-days = Days
office-time = Time
office-accessibility = Accessible entrance
office-services = Services of this office
time-range = { $from }–{ $to }
weekday-mon = Monday
weekday-tue = Tuesday
weekday-wed = Wednesday
weekday-thu = Thursday
weekday-fri = Friday
weekday-sat = Saturday
weekday-sun = Sunday

not-found-title = Page not found
not-found-text = This page does not exist (any more). The search may help you.
not-found-home = Go to the home page of { $name }
not-found-portal = Go to the portal's home page

# --- Online application ---
apply-online-button = Apply online now
apply-online = Online application
apply-start-title = Apply for { $service } online
apply-start-intro = You answer a few questions. Then you check your answers and submit the application.
apply-start-steps = How it works
apply-start-before = Before you start
apply-start-save = Your answers are saved at every step. You can stop at any time and continue later with your personal link.
apply-start-documents = Have this information ready:
apply-start-button = Start application
apply-progress = Step { $position } of { $total }
apply-continue = Continue
apply-back = Back
apply-save-later = Save and continue later
apply-check-title = Check and submit
apply-check-intro = Please check your answers. “Change” takes you back to the question.
apply-change = Change
apply-computed = Calculated from your answers
apply-declarations = Declarations
apply-consent = I agree that { $provider } stores and processes my answers for this application.
apply-truth = I declare that my answers are complete and correct.
apply-submit = Submit application
apply-resume-link = Link to continue this application
apply-saved-title = Your answers are saved
apply-saved-text = With this link you continue the application later. In another browser, or once your session has ended, you also need the resume code.
apply-saved-code = Your code to continue:
resume-title = Continue your application
resume-intro = Enter the resume code you received when saving. Together with the link it opens your application in this browser.
resume-expired = Your session has ended for your security. Your answers are saved.
resume-kept = Your session has ended. What you sent last is kept and will be applied as soon as you enter the resume code.
resume-code = Resume code
resume-code-hint = Eight characters, for example ABCD-EFGH.
resume-button = Open application
resume-error = This resume code does not belong to this application. Please check what you typed.
resume-wait = Too many tries for this application. For your security, you can try again from { $time }.
sent-title = This application has been sent
sent-text = The resume link no longer opens an application that was sent. You see its status and your messages with the reference number and the access code from your receipt.
sent-open = Open with reference and access code
apply-saved-account = Log in with your account to continue.
apply-resume-code-hint = To continue later or on another device: “Save and continue later” gives you the link; your resume code for it is { $code }.
apply-saved-secret = Note the code apart from the link and share neither: link and code together open your answers.
apply-receipt-title = Your application has been received
apply-receipt-reference = Your reference number:
apply-receipt-service = Service
apply-receipt-submitted = Received on
apply-receipt-authority = Responsible
apply-receipt-next = What happens next?
apply-receipt-next-text = The authority usually processes your application within { $days ->
        [one] one day
       *[other] { $days } days
    }. Please quote your reference number if you get in touch.
apply-receipt-answers = Your answers
apply-receipt-print = You can print this page or save it as a PDF.
receipt-pdf-title = Acknowledgement of receipt
receipt-pdf-files = Uploaded files
receipt-pdf-footer = Acknowledgement { $reference } · page { $page } of { $pages } · made with Rathaus
apply-receipt-pdf = Download the acknowledgement as PDF
apply-receipt-pdf-hint = Archivable PDF/A with all answers and files
apply-expired-title = This application is not available
apply-expired-text = The link is not valid or the page was open for too long. Your saved answers are not lost: open your link to continue again.
too-large-title = What you sent is too large
too-large-text = What you sent is larger than allowed (at most { $limit }). What was saved before is kept. Please go back and shorten your input; upload files in the fields meant for them.
answer-yes = Yes
answer-no = No
field-optional = optional
select-prompt = Please choose
address-street = Street
address-house_number = House number
address-postal_code = Postcode
address-city = Town
group-add = Add { $item }
group-remove = Remove { $item } { $number }
error-summary-title = Please correct these answers
error-title-prefix = Error:
error-prefix = Error:
error-required = Please answer this question.
error-too-long = Please enter at most { $max } characters.
error-control = Please remove the control characters from this field (for example from pasted text).
error-too-short = Please enter at least { $min } characters.
error-pattern = The answer does not have the expected format.
error-number = Please enter a whole number.
error-money = Please enter an amount in euros, for example 12.50.
error-min = The value must be at least { $limit }.
error-max = The value must be at most { $limit }.
error-date = Please enter a valid date as DD.MM.YYYY, for example 24.03.1985.
error-date-min = The date must not be before { $limit }.
error-date-max = The date must not be after { $limit }.
error-choice = Please choose one of the answers offered.
error-email = Please enter an email address, for example name@example.org.
error-phone = Please enter a phone number with 6 to 20 digits.
error-iban = This IBAN is not valid. Please check it.
error-plz = Please enter a five-digit postcode.
error-address-part = Please fill in this field.
error-group-min = Please enter at least { $min ->
        [one] one entry
       *[other] { $min } entries
    }.
error-group-max = At most { $max ->
        [one] one entry is
       *[other] { $max } entries are
    } possible.
error-consent = Please agree to the processing of your answers.
error-truth = Please confirm that your answers are correct.

# --- E-mails ---
mail-receipt-subject = Confirmation of receipt { $reference }: { $service }
mail-receipt-body =
    Hello,

    we have received your application.

    Reference: { $reference }
    Service: { $service }
    Responsible: { $authority }
    Received on: { $date }

    Processing usually takes { $days ->
        [one] one day
       *[other] up to { $days } days
    }. Please quote your reference if you get in touch.

    This e-mail was created automatically. Please do not reply to it.

# --- Pre-check ---
precheck-link = Check first: is an application likely to succeed?
precheck-short = Pre-check
precheck-title = Pre-check: { $service }
precheck-nothing-stored = Your answers are not stored.
precheck-button = Show result
precheck-again = Change your answers
precheck-prepare = What to prepare
precheck-verdict-likely = An application is likely to succeed
precheck-verdict-uncertain = An application is possible, but check these points
precheck-verdict-not_possible = Based on your answers, an application is not likely to succeed at the moment

# --- Files ---
file-rules = { $types }, at most { $limit }
file-current = Uploaded:
file-replace = Choose another file (replaces the uploaded one)
error-file-invalid = Please upload the file again.
error-file-type = This file does not have the right format. Allowed: { $allowed }.
error-file-size = The file is too large. The limit is { $limit }.
error-application-size = All files together may be at most { $limit }.
error-file-store = The file could not be stored just now. Your other answers are kept; please try again in a few minutes.

# --- Account, session, My area, Postkorb ---
nav-my-area = My area
session-guest = You are following an application with an access code
session-guest-draft = You are applying without an account
session-as = Logged in as { $name }
session-my-case = To the application
session-ends = Without activity, the session ends at { $time }.
session-extend = Extend session
session-logout = Log out
session-warning = Your session ends soon. Choose “Extend session” to keep working.
session-ended = Your session has ended. What you saved so far is kept; log in again to continue.
login-needed-title = Please log in
login-needed-text = This page belongs to a user account. Log in to see it.
login-expired-title = Your session has expired
login-expired-text = For security, a session ends after some time without activity. Your answers are saved. After logging in you continue where you were.
login-kept-text = What you entered last is not lost: it is added to your application after you log in.
login-button = Log in with { $provider }
login-not-available = Logging in with a user account is not set up in this portal yet.
guest-access-link = Applied without an account? Open it with reference number and access code
login-failed-title = Login did not work
login-error-none = Logging in with a user account is not set up in this portal.
login-error-provider = The login service cannot be reached right now. Please try again in a few minutes.
login-error-state = This login attempt has expired or was already used. Please start the login again.
login-error-cancelled = The login was cancelled.
login-error-token = The login service's answer could not be verified. For your security you were not logged in.
login-failed-nothing-lost = Nothing you saved is lost.
login-again = Log in again
logged-out-title = You are logged out
logged-out-text = Your session has ended. Your applications and drafts stay saved in your account.
logged-out-everywhere-text = All sessions of your account have ended, on other devices too.
account-deleted-title = Your account is deleted
account-deleted-text = Your account data, drafts and sessions were deleted. Applications already submitted are kept by the authority as long as the law requires.
account-unnamed = Your account
guest-title = Open an application with access code
guest-intro = If you applied without a user account, see its status and your messages here.
guest-error = Reference number and access code do not match. Please check both.
guest-wait = Too many tries with this reference. For your security, you can try again from { $time }.
guest-reference = Reference number
guest-reference-hint = For example SO-2026-000123. It is on your confirmation of receipt.
guest-code = Access code
guest-code-hint = Twelve characters, for example ABCD-EFGH-JKLM. It is on your confirmation of receipt.
guest-button = Open application
guest-have-account = You have a user account? Log in here
delete-title = Delete account
delete-what = Deleting your account deletes:
delete-item-account = your account with the data from the login service
delete-item-drafts = all drafts you have not submitted, with their files
delete-item-sessions = all logins on all devices
delete-kept = Submitted applications have reached the authority. They are kept there as long as the law requires, but are no longer linked to an account.
delete-download-first = (download all your data first)
delete-confirm = I want to delete my account for good.
delete-error-confirm = Please confirm that you want to delete your account.
delete-button = Delete account for good
delete-cancel = Cancel
my-title = My area
my-unread = { $count ->
    [one] You have one new message.
   *[other] You have { $count } new messages.
}
my-applications = My applications
my-reference = Reference
my-submitted = submitted on
my-status = Status:
my-new-messages = { $count ->
    [one] 1 new message
   *[other] { $count } new messages
}
my-no-applications = You have not applied for anything yet.
my-find-services = Find services
my-drafts = My drafts
my-saved = last saved on
my-no-drafts = You have no open drafts.
my-documents = My documents
my-no-documents = No documents yet.
my-receipt-document = Confirmation of receipt (PDF)
my-account = My account
my-level = Level of assurance of your login: { $level }
level-low = low
level-substantial = substantial
level-high = high
my-data-download = Download all my data
my-data-hint = (machine-readable JSON, Art. 15 and 20 GDPR)
my-delete = Delete account
my-sessions = { $count ->
    [one] You are logged in on one device.
   *[other] You are logged in on { $count } devices.
}
logout-everywhere = Log out everywhere
case-back = Back to My area
case-title = Application { $reference }
case-waiting = The authority is waiting for your answer. Please read the newest message.
case-timeline = Processing status
case-current = current status
case-done = done
case-history = All status changes
case-receipt = View confirmation of receipt
case-messages = Postkorb
case-new = New
case-attachments = { $count ->
    [one] 1 attachment
   *[other] { $count } attachments
}
case-no-messages = No messages yet.
case-reply = Message to the authority
case-reply-text = Your message
case-reply-hint = At most { $max } characters. You can also send just a file.
case-reply-file = Attach a file (optional)
case-reply-send = Send message
message-back = Back to the application
message-kind = Type
message-from = From
message-date = Sent on
message-opened = First opened by you on
message-attachments = Attachments
message-reply = Reply
message-kind-message = Notice
message-kind-request = Request for documents
message-kind-notice = Decision (Bescheid)
message-kind-reply = Your reply
message-from-you = You
message-sender-guest = Applicant
reply-subject = Reply to request
reply-error-long = Your message is too long. At most { $max } characters are allowed.
reply-error-empty = Please write a message or attach a file.
status-received = Received
status-in-review = In review
status-waiting-for-citizen = Waiting for you
status-decided = Decided
status-closed = Closed
status-withdrawn = Withdrawn
apply-start-who = With or without a user account
apply-start-as = You apply with your user account ({ $name }). Known data is filled in; you can change it.
apply-start-level = This application needs a login with the level of assurance “{ $level }”, for example with the online ID card. Your current login is not enough.
apply-start-stronger = Log in with a higher level of assurance
apply-start-login-benefit = With a user account, known data is filled in, and you find the application, its status and messages later in “My area”.
apply-start-guest = You can also apply without an account. You then get an access code to follow the status.
apply-start-login-required = This application needs a login.
apply-start-guest-only = You apply without a user account. After submitting you get an access code to follow the status.
apply-start-button-guest = Start without an account
receipt-access-title = Your access code
receipt-access-text = With the reference number and this code you see the status of your application and messages from the authority. Note the code or download the confirmation of receipt: in another browser you need it to open the application.
receipt-access-where = Later, open your application here:
receipt-to-case = View status and messages
receipt-access-code = Access code for status and messages
prefill-mark = Taken from your user account.
prefill-mark-folder = Taken from your moving folder.
prefill-editable = You can change it.
mail-postkorb-subject = New message about your application
mail-postkorb-body =
    Hello,

    there is a new message from the authority about your application in your Postkorb.

    With a user account: { $link }
    Without a user account (with reference number and access code): { $guest_link }

    For data protection, the content is not in this e-mail.

    This e-mail was created automatically. Please do not reply.

## Back office
staff-title = Back office
staff-as = Logged in: { $name }
staff-nav-label = Back office
staff-nav-inbox = Inbox
staff-nav-print = Print queue
staff-nav-figures = Figures
staff-nav-audit = Audit trail
staff-error-none = No staff login is set up for this administration.
staff-error-no-rights = Your account has no role in an office of this administration. Please contact your administrator.
staff-inbox-title = Inbox
staff-counts = Cases by status
staff-filter-search = Reference or name
staff-filter-office = Office
staff-filter-service = Service
staff-filter-status = Status
staff-filter-assignee = Assigned to
staff-filter-sort = Order
staff-filter-all = All
staff-filter-overdue = Overdue only
staff-filter-apply = Show
staff-sort-oldest = Oldest first
staff-sort-newest = Newest first
staff-sort-due = By due date
staff-cases = { $count ->
    [one] 1 case
   *[other] { $count } cases
}
staff-select = Select
staff-select-case = Select { $reference }
staff-col-reference = Reference
staff-col-applicant = Applicant
staff-col-service = Service
staff-col-status = Status
staff-col-submitted = Received
staff-col-due = Due
staff-col-assignee = Assigned to
staff-overdue = overdue
staff-assignee-me = Me
staff-assignee-none = Nobody
staff-assign-selected = Assign selected cases to
staff-assign-to = Assign to
staff-assign = Assign
staff-no-cases = No cases found.
staff-back-inbox = Back to the inbox
staff-case-title = Case { $reference }
staff-guest = without an account
staff-checks = Automated pre-checks
staff-check-met = Met
staff-check-not-met = Not met
staff-check-unknown = Cannot be checked
staff-no-checks = No pre-checks are defined for this service.
staff-answers = Answers
staff-computed = Computed values
staff-files = Files
staff-no-files = No files.
staff-read-at = opened on { $at }
staff-request = Request documents or information
staff-request-subject = Subject
staff-request-text = Message to the applicant
staff-request-send = Send request
staff-request-error = Please enter a subject and a message.
staff-notice = Decide and create the notice
staff-notice-decision = Decision
staff-decision-approved = Approved
staff-decision-rejected = Rejected
staff-notice-reasons = Reasons
staff-notice-fee = Fee in euros
staff-notice-post = Also send by post
staff-notice-post-guest = Without an account the notice is always sent by post as well.
staff-notice-show-preview = Show preview
staff-notice-show-pdf = Preview as PDF
staff-notice-release = Release notice
staff-notice-preview = Preview of the notice
staff-notice-error-decision = Please choose the decision.
staff-notice-error-reasons = Please write the reasons.
staff-notice-error-fee = Please enter the fee as an amount in euros, for example 29.00.
staff-notice-error-address = The application has no postal address; a letter is not possible.
staff-notes = Internal notes
staff-note-new = New note (visible to staff only)
staff-note-add = Save note
staff-action-start-review = Start review
staff-action-resume = Continue without an answer
staff-action-close = Close case
staff-actor-citizen = Applicant
staff-audit-view = Case viewed
staff-audit-view-file = File viewed
staff-audit-assign = Assignment changed
staff-audit-start-review = Review started
staff-audit-resume = Review continued
staff-audit-close = Case closed
staff-audit-note = Note written
staff-audit-request-info = Request sent
staff-audit-decide = Notice released
staff-audit-reply = Reply received
staff-audit-withdraw = Application withdrawn
staff-conflict-title = The case has changed
staff-conflict-text = The case was changed in the meantime, for example by a colleague or by a reply. Nothing was saved. Please open the case again.
staff-print-title = Print queue
staff-print-intro = Letters to send by post: notices for applicants without an account or on request. The export contains the PDF files and an address list for the print service.
staff-print-recipient = Recipient
staff-print-created = Created
staff-print-export = Export { $count } letters (ZIP)
staff-print-empty = No letters are waiting to be printed.
staff-figures-title = Figures
staff-figures-intro = Processing times in days from receipt to decision; waiting time: mean time cases waited for the applicant's answer.
staff-fig-received = Received
staff-fig-open = Open
staff-fig-decided = Decided
staff-fig-median = Median (days)
staff-fig-p90 = 90th percentile (days)
staff-fig-waiting = Waiting (days)
staff-audit-title = Audit trail
staff-audit-ok = The audit chain is complete and unchanged ({ $count } entries).
staff-audit-broken = The audit chain is changed or incomplete from entry { $seq }.
staff-audit-export = Export audit trail (JSON Lines)
staff-audit-latest = Latest entries
staff-audit-at = Time
staff-audit-actor = Who
staff-audit-action = What
staff-audit-object = Object
staff-audit-hash = Checksum
case-withdraw = Withdraw application
case-withdraw-hint = If you withdraw the application, the office will not process it any further. This cannot be undone.
case-withdraw-confirm = Yes, I withdraw my application.
case-withdraw-error = Please confirm that you want to withdraw the application.
notice-title = Bescheid
notice-to = An
notice-reference = Aktenzeichen
notice-date = Datum
notice-decision = Entscheidung
notice-reasons = Begründung
notice-fee-heading = Gebühr
notice-fee = Für diesen Bescheid wird eine Gebühr von { "{" }fee{ "}" } erhoben.
notice-no-fee = Für diesen Bescheid wird keine Gebühr erhoben.
notice-remedy = Rechtsbehelfsbelehrung
notice-default-approved = Ihrem Antrag „{ "{" }service{ "}" }“ vom { "{" }submitted{ "}" } wird stattgegeben.
notice-default-rejected = Ihr Antrag „{ "{" }service{ "}" }“ vom { "{" }submitted{ "}" } wird abgelehnt.
notice-default-remedy = Gegen diesen Bescheid können Sie innerhalb eines Monats nach Bekanntgabe Klage beim zuständigen Verwaltungsgericht erheben. (Demo-Text: die zuständige Stelle ergänzt ihre Rechtsbehelfsbelehrung in der Leistungsbeschreibung.)

## Hand-over to Fachverfahren and e-file
staff-nav-deliveries = Hand-overs
delivery-title = Hand-overs to specialist systems and e-file
delivery-intro = Applications are handed over to the configured specialist systems (Fachverfahren), the e-file or mailboxes. Failed hand-overs are retried automatically; after too many failures they are parked and wait for you here.
delivery-targets = Configured targets
delivery-no-targets = No hand-over targets are configured for this authority.
delivery-all-services = all services
delivery-counts = State of all hand-overs
delivery-list-troubled = Parked and failing hand-overs
delivery-list-all = All hand-overs (newest first)
delivery-show-all = Show all hand-overs
delivery-show-troubled = Show only parked and failing ones
delivery-none = There are no hand-overs yet.
delivery-none-troubled = No hand-over is parked or failing.
delivery-col-target = Target
delivery-col-state = State
delivery-col-detail = Details
delivery-col-actions = Actions
delivery-attempts = { $count ->
    [one] 1 attempt
   *[other] { $count } attempts
}
delivery-created = Created
delivery-next = Next attempt
delivery-done = Done
delivery-last-error = Last error
delivery-retry = Retry now
delivery-cancel = Cancel
delivery-case-title = Hand-overs
delivery-case-none = This application was not handed over to any specialist system.
delivery-external-ref = Case number in the specialist system
delivery-state-pending = waiting
delivery-state-failing = failing, will be retried
delivery-state-parked = parked
delivery-state-done = handed over
delivery-state-cancelled = cancelled
delivery-event-received = on receipt
delivery-event-review_started = when the review starts
delivery-event-decided = after the decision
delivery-kind-webhook = Webhook
delivery-kind-fit_connect = FIT-Connect
delivery-kind-xdomea = xdomea (e-file)
delivery-kind-file_drop = File drop
delivery-kind-email = E-mail to the office

case-external-ref = Case number at the processing office:

## Payments (fees)
payment-title = Payment
payment-fee-title = Fee
payment-col-item = Item
payment-col-quantity = Quantity
payment-col-unit = Unit price
payment-col-total = Amount
payment-total = To pay
payment-check-hint = After you submit, the confirmation of receipt shows how to pay the fee by bank transfer.
payment-state = Payment status
payment-status-open = open
payment-status-pending = being processed by the payment service
payment-status-paid = paid
pay-app-title = Back to the app
pay-app-text = The payment service has sent you back here. Please switch back to the app now: it shows you whether the payment has arrived. This page shows nothing about your application.
pay-app-portal = To the portal's home page
payment-status-failed = failed
payment-status-cancelled = cancelled
payment-status-refunded = refunded
payment-transfer-title = Pay by bank transfer
payment-transfer-intro = Please transfer the amount with exactly this reference. Your payment is then matched to your application automatically.
payment-beneficiary = Beneficiary
payment-iban = IBAN
payment-bic = BIC
payment-amount = Amount
payment-reference = Reference
payment-reference-hint = The reference starts with RF and contains a check digit; your bank checks it when you enter it.
payment-qr-alt = GiroCode (QR code) for the transfer of { $amount } to { $beneficiary }
payment-qr-caption = GiroCode: scan it with your banking app and every detail is filled in.
payment-staff-title = Payment
payment-booking-code = Booking code
payment-how = How to pay
staff-nav-cash = Cash office
cash-title = Cash office: incoming payments
cash-intro = Upload the bank's statements here (camt.053 or camt.054). Every credit with the reference and amount of an open fee is booked as paid automatically; everything else is listed below for you to clear.
cash-import-title = Import a statement
cash-file-label = Bank statement (camt.053 or camt.054, XML)
cash-file-hint = At most { $max }. Importing the same file twice books nothing twice.
cash-import = Import
cash-no-file = Please choose a file.
cash-bad-file = The file is not a readable camt.053 or camt.054 statement: { $detail }
cash-too-large = The file is too large. At most { $max } are allowed.
cash-imported = Imported: { $new } new lines, { $paid } of them paid fees and { $waiting } to clear; { $known } were known already.
cash-waiting-title = To clear
cash-waiting-none = No line is waiting to be cleared.
cash-recent-title = Recently imported
cash-recent-none = No statement imported yet.
cash-col-date = Booking date
cash-col-amount = Amount
cash-col-debtor = Payer
cash-col-text = Reference text
cash-col-outcome = Result
cash-outcome-pays = fee paid
cash-outcome-no-reference = no reference
cash-outcome-unknown-reference = unknown reference
cash-outcome-amount-differs = amount differs
cash-outcome-already-paid = already paid (twice?)
payment-kassenzeichen = Payment reference (Kassenzeichen)
payment-unavailable = The payment service cannot be reached right now. Please try again later or pay by bank transfer.
payment-online-title = Pay online
payment-online-button = Pay { $amount } online now
demo-pay-title = Demo payment service
demo-pay-note = This is the demo's built-in payment service. No money moves. A real portal sends you to its payment service (XBezahldienste) here.
demo-pay-purpose = Purpose
demo-pay-description = Description
demo-pay-pay = Confirm payment (demo)
demo-pay-fail = Let the payment fail (demo)
demo-pay-cancel = Cancel
demo-pay-done = This payment is finished.
demo-pay-back = Back to the application
cash-export-title = Booking file for the finance software
cash-export-intro = Every fee paid on one day with its Kassenzeichen, reference and booking code, as CSV or XML.
cash-export-day = Booking date
cash-export-csv = Download CSV
cash-export-xml = Download XML
payment-status-debit = collected by SEPA direct debit
cash-debit-title = SEPA direct debits
cash-debit-waiting = { $count ->
    [0] No direct debit waits for collection.
    [one] One direct debit waits for collection.
   *[other] { $count } direct debits wait for collection.
}
cash-debit-export = Create the collection file (pain.008)
cash-debit-none = There are no new direct debits.
payment-first = The fee is payable in advance: we process your application as soon as it is paid.
notice-fee-transfer = Please transfer the amount to { "{" }beneficiary{ "}" }, IBAN { "{" }iban{ "}" }, with the reference { "{" }reference{ "}" } – or pay it online through your application in the service portal.

## Appointments
nav-appointments = Appointments
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
weekday-short-mon = Mon
weekday-short-tue = Tue
weekday-short-wed = Wed
weekday-short-thu = Thu
weekday-short-fri = Fri
weekday-short-sat = Sat
weekday-short-sun = Sun
appt-date = { $weekday }, { $day } { $month } { $year }
appt-oclock = { "" }
appt-minutes = { $minutes } minutes
appt-index-title = Book an appointment
appt-index-intro = Choose the office where you need an in-person appointment. You get a confirmation by e-mail and can move or cancel the appointment at any time.
appt-index-none = Appointments cannot be booked online here at the moment.
appt-office-info = Address and opening hours
appt-office-title = Appointment: { $office }
appt-moving = You are moving your appointment of { $when }. Choose a new time; until then your current appointment stays.
appt-moving-keep = Keep the current appointment
appt-choose-services = What do you need the appointment for?
appt-choose-hint = You can choose several services; their durations add up.
appt-show-times = Show free times
appt-duration = Your appointment takes about { $minutes } minutes.
appt-next-title = Next free appointments
appt-none-free = Unfortunately no appointment is free in the coming weeks. Please try again later or call us.
appt-month-title = Appointments in the month
appt-month-prev = Previous month
appt-month-next = Next month
appt-free-count = { $count } free
appt-no-free = no appointment free
appt-day-closed = The office is closed on this day: { $reason }
appt-closed = closed
appt-day-full = No appointment is free on this day any more.
appt-error-no-service = Please choose at least one service.
appt-error-unknown-service = This service cannot be booked here. Please choose from the list.
appt-error-too-long = Together these services take too long for one appointment (at most { $max } minutes). Please book several appointments.
appt-error-too-many = Please choose at most { $max } services for one appointment.
appt-book-title = Book the appointment
appt-where = Place
appt-when = Time
appt-what = Services
appt-change-time = Choose another time
appt-name = Your name
appt-email-hint = We send the confirmation with the appointment for your calendar to this address, and a reminder the day before.
appt-consent = I agree that { $provider } stores my name and e-mail address for this appointment. They are deleted 30 days after the appointment.
appt-book-submit = Book the appointment
appt-error-name = Please enter your name.
appt-error-name-link = Please enter only your name, without a web or e-mail address.
appt-error-consent = Please agree to the storage for the appointment.
appt-error-email-limit = This e-mail address already holds { $max } appointments at this office. Please cancel one before booking another.
appt-taken-title = This time is no longer free
appt-taken-text = Someone else was quicker, or the time can no longer be booked. Nothing you entered is lost: please choose another time.
appt-rate-title = Too many bookings
appt-rate-text = Too many appointments were booked from your connection in the last hour. Please try again later.
appt-back-to-times = Back to the free times
appt-title = Your appointment
appt-changed-gebucht = Your appointment is booked. The confirmation comes by e-mail. Please keep the link of this page; with it you can move or cancel the appointment.
appt-changed-verlegt = Your appointment has been moved. The new confirmation comes by e-mail.
appt-changed-abgesagt = Your appointment is cancelled. The time is free for others again.
appt-cancelled = Cancelled
appt-code = Booking code
appt-reference = Application
appt-code-hint = Show the booking code at reception or enter it at the terminal on site. You then get a waiting number.
appt-ics = Add to my calendar (.ics)
appt-change-title = Move or cancel
appt-move = Move the appointment
appt-cancel = Cancel the appointment
appt-book-again = Book a new appointment
appt-mail-booked-subject = Your appointment on { $date } at { $time }
appt-mail-booked-body = Hello { $name },

    your appointment is booked.

    When: { $date }, { $time }
    Where: { $office }, { $authority }, { $address }
    Services: { $services }
    Booking code: { $code }

    Please give the booking code at reception or enter it at the terminal on site.
    The appointment for your calendar is attached.

    Move or cancel: { $link }

    This message was created automatically.
appt-mail-moved-subject = Your appointment was moved: { $date } at { $time }
appt-mail-moved-body = Hello { $name },

    your appointment has been moved. The new time is:

    When: { $date }, { $time }
    Where: { $office }, { $authority }, { $address }
    Services: { $services }
    Booking code: { $code }

    Move or cancel: { $link }

    This message was created automatically.
appt-mail-cancelled-subject = Your appointment on { $date } is cancelled
appt-mail-cancelled-body = Hello { $name },

    your appointment on { $date } at { $time } at { $office } is cancelled.

    You can book a new appointment online at any time.

    This message was created automatically.
appt-mail-reminder-subject = Reminder: your appointment tomorrow at { $time }
appt-mail-reminder-body = Hello { $name },

    this is a reminder of your appointment tomorrow.

    When: { $date }, { $time }
    Where: { $office }, { $authority }, { $address }
    Services: { $services }
    Booking code: { $code }

    If you cannot come, please cancel through the link in your booking confirmation, so that the time becomes free for others.

    This message was created automatically.
receipt-appointment-title = Appointment on site
receipt-appointment-text = For this application you come to the office once in person. You can book the appointment right here.
receipt-appointment-book = Book an appointment
my-notices = Notices
my-notice-new = new
my-losses = My loss reports
notice-back = Back to My area
notice-go = Continue
notice-delete = Delete notice
idstatus-notify-intro-account = As soon as your document can be collected, we put a notice in My area (and your city app learns of it if you are logged in there). If you would also like an e-mail, enter your address; we delete it once the mail is sent.
idstatus-notify-done-account = As soon as your document can be collected, you will find a notice in
found-loss-email-hint-account = If something fitting is handed in, you get a notice in My area. With an e-mail address we write to you as well.
found-loss-in-my-area = You will also find your loss report in
folder-make = Make my moving folder
folder-open-link = Open an existing folder
folder-new-hint = Your answers become your personal list with deadlines. You can open it again and delete it at any time.
folder-new-guest = Without logging in, you open it in this browser or with its folder number and access code.
folder-consent = My details may be taken over into the applications made from this folder.
folder-consent-hint = You then type your name, new address and moving date only once. You see every detail taken over in the application and can change it.
folder-consent-given = Your details from the folder are taken over into the applications.
folder-consent-not-given = You did not agree to take over your details; applications start empty.
folder-open-count = { $count ->
    [one] One item is still open.
   *[other] { $count } items are still open.
}
folder-all-done = Everything is done.
folder-guest-keep = Note the folder number and access code to open the folder in another browser.
folder-reference = Folder number
folder-reference-hint = For example M-2026-3FA9C2.
folder-code = Access code
folder-optional = optional
folder-state-open = open
folder-state-draft = application started
folder-state-submitted = application made
folder-state-done = done
folder-state-not_for_me = not for me
folder-state-other_chosen = not needed – done another way
folder-choice = One of several ways: you need only one of them.
folder-due = due by { $date }
folder-overdue = overdue since { $date }
folder-at-office = At:
folder-application = Application { $reference }
folder-application-open = Open the application
folder-application-continue = Continue the application
folder-apply = Apply
folder-book = Book an appointment
folder-mark-done = Done
folder-mark-not-for-me = Not for me
folder-mark-open = Open again
folder-delete-title = Delete the folder
folder-delete-hint = The folder and your answers are deleted. Applications made stay.
folder-delete = Delete the folder
folder-deleted = Your folder has been deleted.
folder-open-title = Open a moving folder
folder-open-intro = Enter the folder number and access code to open your folder in this browser.
folder-open-none = There is no folder for these details.
folder-open-wait = Too many tries. Please try again from { $time }.
folder-open-submit = Open
folder-remind-subject = Moving folder: { $count ->
    [one] one item is due soon
   *[other] { $count } items are due soon
}
folder-remind-body = Hello,

    in your moving folder "{ $folder }" { $count ->
        [one] one item is
       *[other] { $count } items are
    } due in the next few days. You see which in the folder: { $link } { $reference }

    This reminder comes only once for each item.

    { $authority }
folder-pdf-intro = Your personal moving list, as it stood when this document was made.
folder-pdf-footer = { $authority } – moving folder – page { $page } of { $pages }
folder-export-pdf = List as PDF
folder-export-ics = Deadlines for your calendar (.ics)
my-folders = My moving folders
my-appointments = Your appointments

## Kiosk and call-up display
kiosk-title = Check-in
kiosk-with-appointment = I have an appointment
kiosk-code = Booking code
kiosk-code-hint = It is in your appointment confirmation, for example ABC-234.
kiosk-check-in = Check in
kiosk-without-appointment = I have no appointment
kiosk-what-for = What you came for
kiosk-take-number = Take a waiting number
kiosk-ticket-title = Your waiting number
kiosk-your-number = Your waiting number is
kiosk-appointment-at = appointment at { $time }
kiosk-ticket-text = Please take a seat. Your number appears on the screen with the counter to come to.
kiosk-done = Done
kiosk-error-service = Please choose what you came for.
kiosk-error-code = This booking code does not exist here for today. Please check it or ask at reception.
kiosk-error-early = Your appointment is later. You can check in from { $time }.
kiosk-error-late = Your appointment has passed. Please take a waiting number without appointment or ask at reception.
display-title = Call-up display
display-latest = Now called
display-none = Nobody called yet
display-earlier = Called before
display-number = Number
display-counter = Counter
display-waiting = Waiting:

## Visitors on site (staff)
staff-nav-visitors = On site:
visit-title = On site: { $office }
visit-display-link = Open the call-up display
visit-kiosk-link = Open the check-in terminal
visit-msg-eingecheckt = Checked in: waiting number { $number }.
visit-msg-aufgerufen = Called: { $number }.
visit-msg-niemand = Nobody is waiting.
visit-msg-erledigt = Saved.
visit-msg-code = This booking code does not exist here today.
visit-msg-leistung = Please choose the service.
visit-msg-frueh = This appointment can be checked in two hours before at the earliest.
visit-msg-spaet = This appointment has passed; please check in as a visit without appointment.
visit-msg-schalter = Please enter your counter.
visit-call-title = Call the next person
visit-counter = Counter
visit-call-next = Call next
visit-called-title = Called
visit-col-number = Number
visit-col-services = Services
visit-col-actions = Actions
visit-done = Done
visit-recall = Call again
visit-missed = Did not come
visit-waiting-title = Waiting
visit-col-kind = Kind
visit-col-since = Waiting since
visit-nobody-waiting = Nobody is waiting.
visit-today-title = Appointments today
visit-col-time = Time
visit-col-name = Name
visit-col-state = State
visit-check-in = Check in
visit-expected = expected
visit-no-appointments = No appointments are booked today.
visit-walk-in-title = Visit without appointment
visit-walk-in = Give a waiting number
visit-figures-title = Figures today
visit-fig-visitors = Visits
visit-fig-served = Served
visit-fig-wait = Mean waiting time
visit-fig-max-wait = Longest waiting time
visit-fig-service = Mean service time
visit-days-caption = The last 30 days (times in minutes)
visit-col-day = Day
visit-status-waiting = waiting
visit-status-called = called
visit-status-done = done
visit-status-missed = did not come
visit-kind-appointment = with appointment
visit-kind-walk_in = without appointment

# API reference
api-ref-title = Interface for apps (API)
api-ref-intro = With this interface, city apps and other programs can offer the portal's services. The description is written for developers.
api-ref-document = Description as an OpenAPI document
api-ref-index = Entry point of the interface:
api-ref-contents = Contents
api-ref-group = Area
api-ref-params = Parameters
api-ref-responses = Responses
api-ref-name = Name
api-ref-in = In
api-ref-type = Type
api-ref-required = Required
api-ref-description = Description
api-ref-status = Status
api-ref-body = Response body
api-ref-schemas = Data formats
api-ref-values = Possible values
api-ref-fields = Fields of { $name }

# App login (OAuth for city apps)
app-login-title = Log in to an app
app-login-question = The app “{ $app }” would like to access your account on this portal on your behalf.
app-login-as = You are logged in as { $name }.
app-login-may = The app may then
app-login-may-applications = see your applications and their status,
app-login-may-postkorb = read and answer the messages in your Postkorb,
app-login-may-apply = apply and book appointments for you.
app-login-end = You can end the access at any time: by logging out in the app, or here on the portal with “Log out everywhere”.
app-login-allow = Allow
app-login-deny = Deny
app-login-refused = This login is not possible
app-error-client = This portal does not know the app. Please contact the app's provider.
app-error-redirect = The app gave a return address that is not registered for it. For your safety, the login does not continue.

## Is my ID card ready? (Statusabfrage)
idstatus-title = Is my ID card ready?
idstatus-home-link = Is my ID card or passport ready? Check the status
idstatus-intro = See here whether your ID card, passport or eID card can be collected. You need the application number or the serial number and your date of birth.
idstatus-number = Application number or serial number
idstatus-number-hint = Both numbers are on the confirmation you received when you applied. You may leave out spaces and hyphens.
idstatus-birth = Date of birth
idstatus-birth-hint = For example 09.11.1972
idstatus-submit = Check status
idstatus-privacy = What you enter is not stored. The authority files the status only under a check value that reveals neither the number nor the date of birth, and deletes it shortly after collection.
idstatus-offices = Responsible
idstatus-none = We have no status for these details. Please check the number and the date of birth. If you applied only a few days ago, please try again later.
idstatus-wait = Too many attempts. For security reasons you can ask again from { $time }.
idstatus-again = Check another status
idstatus-office = Where to collect it
idstatus-kind-id-card = ID card
idstatus-kind-passport = Passport
idstatus-kind-child-passport = Child passport
idstatus-kind-eid-card = eID card
idstatus-status-in-production = Your document is still being made. You can collect it as soon as it has arrived here.
idstatus-status-ready = Your document has been ready for collection since { $since }.
idstatus-status-handed-out = Your document was handed out on { $since }.
idstatus-status-dispatched = Your document has been on its way to you by direct dispatch since { $since }.
idstatus-status-delivered = Your document was delivered by direct dispatch on { $since }.
idstatus-status-returned = Direct dispatch did not reach you. Your document has been back here for collection since { $since }.
idstatus-pickup-intro = Please collect the document in person and bring your previous document if you have one.
idstatus-pickup-book = Book a collection appointment
idstatus-notify-title = Tell me when it is ready
idstatus-notify-intro = We send you a single e-mail as soon as your document can be collected. It names neither you nor any number. Then we delete your address.
idstatus-notify-submit = Notify me
idstatus-notify-done = We will send you an e-mail as soon as your document can be collected.
idstatus-error-number-missing = Please enter the application number or the serial number.
idstatus-error-number = Please enter the number as it appears on your confirmation (6 to 24 letters and digits).
idstatus-error-birth-missing = Please enter your date of birth.
idstatus-error-birth = Please enter your date of birth as day, month and year, for example 09.11.1972.
idstatus-error-email-missing = Please enter the e-mail address we should write to.
idstatus-mail-subject = Your document is ready for collection – { $office }
idstatus-mail-body = Hello,

    Your identity document is ready for collection.

    Where: { $office }, { $authority }, { $address }
    Book a collection appointment or see the opening hours: { $link }

    Please bring your previous document if you have one.

    This message was sent once, at your request. Your e-mail address has now been deleted.

    { $authority }
idstatus-notice-body = Your identity document is ready for collection.

    Where: { $office }, { $authority }, { $address }
    Book a collection appointment or see the opening hours: { $link }

    Please bring your previous document if you have one.
idstatus-state-in-production = Being made
idstatus-state-ready = Ready for collection
idstatus-state-handed-out = Handed out
idstatus-state-dispatched = In direct dispatch
idstatus-state-delivered = Delivered
idstatus-state-returned = Back from direct dispatch
staff-nav-id-status = ID status
idstatus-staff-title = ID status – { $office }
idstatus-staff-intro = Upload the specialist system's export here when no nightly import runs. Citizens ask for the status with the application or serial number and their date of birth; neither numbers nor dates of birth are stored, only check values made from them with the portal's key.
idstatus-upload-title = Upload an export
idstatus-upload-label = CSV file of the specialist system
idstatus-upload-hint = Columns art, antragsnummer, seriennummer, geburtsdatum, status and seit, separated by semicolon or comma, UTF-8. At most { $max }. One wrong row stops the whole import.
idstatus-upload-submit = Upload
idstatus-upload-done = Taken over: { $added } new, { $updated } updated, { $notified } notifications sent.
idstatus-upload-failed = Nothing was taken over – please correct the file
idstatus-upload-row = Line { $line }, { $field }: { $reason }
idstatus-upload-none = Please choose a file.
idstatus-upload-too-large = The file is too large.
idstatus-upload-not-utf8 = The file is not saved as UTF-8. Please export it as "CSV UTF-8".
idstatus-counts-title = Entries
idstatus-counts-status = Status
idstatus-counts-count = Count
idstatus-counts-none = No entries yet.

## Lost and found
found-home-link = Lost something? Search the lost-and-found office or report a loss
found-title = Lost and found
found-intro = Here you find items handed in to us. We show only a general description; we ask what identifies your item when you collect it. ID documents and bank cards are not shown – they go back to whoever issued them.
found-category = Kind of item
found-category-any = All kinds
found-choose = Please choose
found-from = Found from
found-to = Found until
found-words = Search words
found-words-hint = For example brand, colour or place, such as "backpack station".
found-search = Search
found-results = { $count ->
    [0] No items
    [one] One item
   *[other] { $count } items
  }
found-number = Item number
found-on = Date found
found-place = Place found
found-place-hint = Only roughly, for example district, square or stop – no house number.
found-none = No items match your search at the moment. Report your loss and we will write to you when something fitting is handed in.
found-lost-title = Lost something?
found-lost-intro = Report your loss. If something fitting is handed in, we send you an e-mail.
found-lost-link = Report a loss
found-contact = Contact
found-loss-title = Report a loss
found-loss-intro = Describe what you lost. We compare your report with every item handed in now and later. Whether an item really is yours we clarify in person.
found-loss-done = Your report has been received. We will write to you as soon as an item might fit.
found-loss-done-match = Some items handed in already might fit. We sent you their numbers by e-mail; please contact the lost-and-found office.
found-back = Back to the lost-and-found search
found-colour = Colour
found-colour-unknown = Not stated
found-description = Description
found-loss-description-hint = What is it, what does it look like, what was in it? At most 300 characters.
found-loss-place = Where did you lose it? (if known)
found-loss-date = When did you lose it?
found-date-hint = For example 03.12.2026
found-loss-email-hint = We write to this address when something fitting is handed in.
found-loss-consent = I agree that my report is compared with found items and that you write to me about it.
found-loss-submit = Report the loss
found-cat-bag = Bag or backpack
found-cat-wallet = Wallet
found-cat-keys = Keys
found-cat-phone = Mobile phone
found-cat-electronics = Electronics
found-cat-jewellery = Jewellery
found-cat-watch = Watch
found-cat-glasses = Glasses
found-cat-clothing = Clothing
found-cat-umbrella = Umbrella
found-cat-bicycle = Bicycle
found-cat-toy = Toy
found-cat-sports = Sports gear
found-cat-identity-document = ID card or other official document
found-cat-bank-card = Bank or credit card
found-cat-other = Other
found-colour-schwarz = black
found-colour-weiss = white
found-colour-grau = grey
found-colour-silber = silver
found-colour-gold = gold
found-colour-braun = brown
found-colour-beige = beige
found-colour-rot = red
found-colour-rosa = pink
found-colour-orange = orange
found-colour-gelb = yellow
found-colour-gruen = green
found-colour-blau = blue
found-colour-mehrfarbig = multicoloured
found-error-date-missing = Please enter the date.
found-error-date = Please enter a date within the last twelve months, for example 03.12.2026.
found-error-missing = Please fill in this field.
found-error-short = Please describe it in a little more detail.
found-error-long = Please keep it shorter (at most { $max } characters).
found-error-colour = Please choose a colour from the list.
found-error-category = Please choose the kind of item.
found-error-email-missing = Please enter your e-mail address.
found-error-limited = Too many loss reports came from your connection in the last hour. Please try again from { $time } or contact the lost-and-found office.
found-error-consent = Please confirm that we may compare your report and write to you.
found-redact-name = Public details must not contain a name. Names belong in the private features.
found-redact-digits = Public details must not contain long runs of digits (card, serial or account numbers). They belong in the private features.
found-redact-iban = Public details must not contain an IBAN.
found-redact-email = Public details must not contain an e-mail address.
found-redact-phone = Public details must not contain a phone number.
found-mail-subject = Lost and found: an item might fit your loss report
found-mail-body = Hello,

    something has been handed in to the lost-and-found office that might fit your loss report.

    Item number: { $numbers }

    Please contact { $office } ({ $contact }) and quote the item number. Whether it is yours we check by features only you can know. You can also see the items here: { $link }

    { $authority }
staff-nav-found = Lost and found
found-staff-title = Lost and found – { $office }
found-register-title = Register a found item
found-public-layer = Publicly visible
found-public-hint = These details appear in the search. No names, numbers, addresses or contact details – the check refuses them.
found-brand = Brand
found-private-layer = For the office only
found-private = Private features
found-private-hint = What only the owner can know. Each field filled in becomes a question to everyone who claims the item; you see their answers here side by side. Never published.
found-finder-claims = The finder wants the item once the period is over.
found-register-submit = Register
found-registered = Registered as { $number }. { $matches ->
    [0] No loss report fits.
    [one] One loss report might fit; its author has been told.
   *[other] { $matches } loss reports might fit; their authors have been told.
  }
found-items-title = Items at this office
found-items-none = No items registered yet.
found-never-listed = Not shown publicly – please pass it on to the issuing office.
found-keeping-ends = Kept until
found-after-finder = Period over: hand it to the finder.
found-after-auction = Period over: for auction.
found-matches = Loss reports that might fit (a hint, not a decision):
found-reward-note = Finder's reward under section 971 BGB: 5 % of the value up to 500 €, 3 % of the value above, 3 % for animals. Six months after the find was reported (section 973 BGB) the finder receives the item if they wish; otherwise it may be auctioned.
found-claim-link = This is mine
found-claim-title = Claim a found item as mine
found-claim-intro = Describe how the item can be recognised as yours. The office compares what you say with the features it has not published and gets back to you. Please bring an ID when you collect it.
found-claim-features = How can the item be recognised?
found-claim-features-hint = The office knows these features but does not publish them. Answer each question as precisely as you can.
found-claim-name = Your name
found-claim-consent = I agree that the lost-and-found office checks what I say and writes to me.
found-claim-submit = Claim as mine
found-claim-done = Thank you. The office compares what you said and will write to you.
found-error-claim-consent = Please confirm that the office may check what you say and write to you.
found-claim-mail-accepted-subject = Lost and found: your item is ready for collection
found-claim-mail-accepted-body = Hello { $name },

    we could confirm what you told us. You can collect the item at { $office } ({ $address }). Please bring an ID.
found-claim-mail-reward = The finder is entitled to a finder's reward of { $reward } (section 971 BGB).
found-claim-mail-rejected-subject = Lost and found: your claim to a found item
found-claim-mail-rejected-body = Hello { $name },

    unfortunately what you told us does not fit the found item. If you have questions, please contact { $office } ({ $address }).
found-claims = Claims
found-claim-says = What they say
found-value = Value in euros (estimate)
found-claim-accept = Accept and hand over
found-claim-reject = Reject
found-reward = Finder's reward: { $amount }
found-claim-accepted = Claim accepted; the person has been told.
found-claim-accepted-reward = Claim accepted; the person has been told. Finder's reward: { $reward }.
found-claim-rejected = Claim rejected; the person has been told.
found-error-value = Please enter the value as an amount in euros, for example 80 or 80.50.
found-claim-mail-booking = You can book an appointment to collect it here: { $link }
found-status = State
found-status-kept = kept
found-status-returned = returned to the owner
found-status-to-finder = handed to the finder
found-status-auctioned = given to auction
found-settle-finder = Hand to the finder
found-settle-auction = Give to auction
found-settled-finder = { $number } is recorded as handed to the finder.
found-settled-auction = { $number } is recorded as given to auction.
found-cert-offer = Do you need a confirmation of your loss report, for an insurer or to block cards? Please download it now: it can only be fetched from this page.
found-cert-download = Download the certificate of loss (PDF)
found-cert-title = Certificate of loss
found-cert-intro = This confirms that the following loss was reported to the lost-and-found office.
found-cert-reported = Reported on
found-cert-lost-on = Lost on
found-cert-lost-at = Lost at
found-cert-note = The details are those given by the person reporting; they have not been checked. If a fitting item is handed in, the office notifies the person who reported the loss.
found-cert-footer = { $authority } – certificate of loss – page { $page } of { $pages }
found-claim-status-open = open
found-claim-status-accepted = accepted
found-claim-status-rejected = rejected
found-feature-serial = Serial or other number
found-feature-contents = Contents
found-feature-marks = Distinguishing marks
found-question-serial = What serial or other number does the item bear?
found-question-serial-hint = For example the device number, a bicycle's frame number or an engraved number. If you do not know it, write "don't know".
found-question-contents = What was inside?
found-question-contents-hint = Name what you remember, small things too.
found-question-marks = How can the item be recognised as yours?
found-question-marks-hint = For example stickers, key fobs, engravings, damage or signs of wear.
found-claim-compare = What { $name } says, compared
found-claim-question = Question
found-claim-kept = Kept by the office
found-serial-agrees = agrees
found-serial-differs = differs
found-fee = Fee: { $amount }
found-claim-accepted-fee = Fee for handing it back: { $fee }.
found-claim-mail-fee = We charge a fee of { $fee } for handing the item back. You can pay it when you collect it.
found-fees-title = Fees on collection
found-fees-intro = For handing a found item back to its owner the office charges a fee by the item's value, plus the finder's reward where one is due.
found-fee-tier-first = Value up to { $to }: { $fee }
found-fee-tier = Value above { $from } up to { $to }: { $fee }
found-manage-link = See or withdraw an earlier loss report
found-photo-category = Identity documents and bank cards are not photographed; they go to their issuer.
found-fee-tier-above = Value above { $from }: { $fee }
found-photo-add = Add a photo to { $number }
found-photo-upload = Upload photo
found-photo-alt = Photo { $n } of found item { $number }
found-photo-added = The photo of { $number } has been saved. Only the office sees photos.
found-photo-none = Please choose a photo.
found-photo-too-large = The photo is too large. At most { $limit } is allowed.
found-photo-type = Please upload a photo as JPEG or PNG.
found-photo-full = No more photos can be saved for { $number } (at most { $max }, and only while the item is kept).
found-loss-withdraw-offer = Have you found it again? Then you can withdraw your loss report here; it will be deleted.
found-loss-withdraw = Withdraw the loss report
found-loss-withdrawn = Your loss report has been withdrawn and deleted.
found-loss-withdraw-gone = This loss report does not exist (any more).
found-loss-reference = Report number
found-loss-code = Access code
found-loss-keep-code = Please note the report number and access code: with them you can see your report again later, download the certificate of loss or withdraw the report — from another device too.
found-manage-title = My loss report
found-manage-intro = Enter the report number and the access code you were given when you reported the loss.
found-manage-reference-hint = For example V-2026-3FA9C2.
found-manage-submit = Show the report
found-manage-none = There is no loss report for this report number and access code. Please check what you entered.
found-manage-wait = Too many wrong tries. Please try again from { $time }.
found-manage-standing = Your report stands as a search for one year. If something that fits is handed in, we will write to you.
found-error-reference = Please enter the report number.
found-error-code = Please enter the access code.
