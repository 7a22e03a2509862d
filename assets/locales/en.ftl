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
