# Rathaus — deutsche Oberflächentexte. Mandanten können jede Meldung in
# <mandant>/locales/de.ftl überschreiben.

skip-to-content = Zum Inhalt springen
switch-language = English
demo-label = Demo
demo-text = Dies ist ein Demonstrationsportal. Alle Angaben sind erfunden; Anträge werden nicht bearbeitet.
site-tagline = Verwaltungsleistungen online erledigen

nav-label = Hauptnavigation
nav-home = Start
nav-services = Leistungen A–Z
nav-topics = Themen
nav-life-situations = Lebenslagen
nav-offices = Ämter
nav-search = Suche
breadcrumbs-label = Sie sind hier
footer-nav-label = Rechtliches
footer-all-portals = Alle Portale
footer-powered = Rathaus – freies Serviceportal für Kommunen

legal-imprint = Impressum
legal-privacy = Datenschutz
legal-accessibility = Barrierefreiheit

portal-home-title = Startseite
portal-home-intro = Wählen Sie Ihre Stadt oder Ihren Kreis. Dort finden Sie alle Leistungen, die Sie online beantragen oder vorbereiten können.
portal-choose-tenant = Kommune wählen
tenant-kind-stadt = Stadt
tenant-kind-gemeinde = Gemeinde
tenant-kind-kreis = Kreis

tenant-home-title = Startseite
tenant-home-heading = Serviceportal { $name }
service-count = { $count ->
    [0] keine Leistungen
    [one] eine Leistung
   *[other] { $count } Leistungen
}
all-services-link = Alle Leistungen von A bis Z ({ $count })
services-heading = Leistungen von A bis Z

search-label = Wonach suchen Sie?
search-button = Suchen
search-hint = Zum Beispiel: Hund, Einbürgerung, Mülltonne
search-title-query = Suche nach „{ $query }“
search-results = { $count ->
    [0] Keine Ergebnisse für „{ $query }“
    [one] Ein Ergebnis für „{ $query }“
   *[other] { $count } Ergebnisse für „{ $query }“
}
search-none = Versuchen Sie ein anderes Wort oder stöbern Sie in den Themen:
search-truncated = Ihre Eingabe war länger als { $max } Zeichen. Wir haben nur die ersten { $max } Zeichen gesucht.

badge-fully-online = Vollständig online
badge-partly-online = Teilweise online
responsible = Zuständig
included-notice = Diese Leistung bietet { $provider } an. Ihr Antrag geht direkt dorthin.
included-provider-link = Zum Portal: { $provider }
easy-language-link = Diese Seite in Leichter Sprache
easy-language = Leichte Sprache
easy-title = { $title } – in Leichter Sprache
easy-where = Wo bekomme ich Hilfe?
easy-back = Zurück zu: { $title }

section-description = Worum geht es?
section-eligibility = Wer kann den Antrag stellen?
section-documents = Welche Unterlagen brauchen Sie?
section-fees = Was kostet es?
section-processing = Wie lange dauert es?
section-online = Online erledigen
section-office = Zuständige Stelle
section-legal = Rechtsgrundlagen
section-related = Passende Themen und Lebenslagen
document-optional = nur wenn zutreffend
documents-none = Sie brauchen keine Unterlagen.
fee-item = Leistung
fee-amount = Betrag
fee-range = { $from } bis { $to }
fees-none = Diese Leistung ist gebührenfrei.
processing-days = { $days ->
    [one] In der Regel ein Tag.
   *[other] In der Regel bis zu { $days } Tage.
}
online-full = Sie können alles online erledigen – vom Antrag bis zum Bescheid.
online-partial = Sie können den Antrag online stellen. Ein Teil des Verfahrens findet nicht online statt.
leika-key = LeiKa-Schlüssel
definition-version = Version der Leistungsbeschreibung
phone = Telefon
email = E-Mail

office-address = Anschrift
office-contact = Kontakt
office-hours = Öffnungszeiten
office-hours-none = Termine nach Vereinbarung.
office-days = Tage
office-time = Uhrzeit
office-accessibility = Barrierefreier Zugang
office-services = Leistungen dieses Amtes
time-range = { $from }–{ $to } Uhr
weekday-mon = Montag
weekday-tue = Dienstag
weekday-wed = Mittwoch
weekday-thu = Donnerstag
weekday-fri = Freitag
weekday-sat = Samstag
weekday-sun = Sonntag

not-found-title = Seite nicht gefunden
not-found-text = Diese Seite gibt es nicht (mehr). Vielleicht hilft Ihnen die Suche.
not-found-home = Zur Startseite von { $name }
not-found-portal = Zur Startseite des Portals

# --- Online-Antrag ---
apply-online-button = Jetzt online beantragen
apply-online = Online-Antrag
apply-start-title = { $service } online beantragen
apply-start-intro = Sie beantworten einige Fragen. Danach prüfen Sie Ihre Angaben und senden den Antrag ab.
apply-start-steps = So läuft der Antrag ab
apply-start-before = Bevor Sie beginnen
apply-start-save = Ihre Angaben werden bei jedem Schritt gespeichert. Sie können jederzeit unterbrechen und später mit Ihrem persönlichen Link weitermachen.
apply-start-documents = Halten Sie diese Angaben bereit:
apply-start-button = Antrag beginnen
apply-progress = Schritt { $position } von { $total }
apply-continue = Weiter
apply-back = Zurück
apply-save-later = Speichern und später weitermachen
apply-check-title = Angaben prüfen und absenden
apply-check-intro = Bitte prüfen Sie Ihre Angaben. Mit „Ändern“ kommen Sie zur passenden Frage zurück.
apply-change = Ändern
apply-computed = Berechnet aus Ihren Angaben
apply-declarations = Erklärungen
apply-consent = Ich bin einverstanden, dass { $provider } meine Angaben speichert und für diesen Antrag verarbeitet.
apply-truth = Ich versichere, dass meine Angaben vollständig und richtig sind.
apply-submit = Antrag verbindlich absenden
apply-resume-link = Link zum Fortsetzen dieses Antrags
apply-saved-title = Ihre Angaben sind gespeichert
apply-saved-text = Mit diesem Link setzen Sie den Antrag später fort. In einem anderen Browser oder nach dem Ende Ihrer Sitzung brauchen Sie dazu den Fortsetzungscode.
apply-saved-code = Ihr Fortsetzungscode:
resume-title = Antrag fortsetzen
resume-intro = Geben Sie den Fortsetzungscode ein, den Sie beim Speichern erhalten haben. Zusammen mit dem Link öffnet er Ihren Antrag in diesem Browser.
resume-expired = Ihre Sitzung ist aus Sicherheitsgründen abgelaufen. Ihre Angaben sind gespeichert.
resume-kept = Ihre Sitzung ist abgelaufen. Was Sie zuletzt gesendet haben, ist aufbewahrt und wird übernommen, sobald Sie den Fortsetzungscode eingeben.
resume-code = Fortsetzungscode
resume-code-hint = Acht Zeichen, zum Beispiel ABCD-EFGH.
resume-button = Antrag öffnen
resume-error = Dieser Fortsetzungscode passt nicht zu diesem Antrag. Bitte prüfen Sie Ihre Eingabe.
resume-wait = Zu viele Versuche für diesen Antrag. Aus Sicherheitsgründen können Sie es ab { $time } Uhr wieder versuchen.
sent-title = Dieser Antrag wurde abgeschickt
sent-text = Der Link zum Fortsetzen öffnet einen abgeschickten Antrag nicht mehr. Den Stand und Ihre Nachrichten sehen Sie mit dem Aktenzeichen und dem Zugangscode aus Ihrer Eingangsbestätigung.
sent-open = Mit Aktenzeichen und Zugangscode öffnen
apply-saved-account = Melden Sie sich mit Ihrem Nutzerkonto an, um weiterzumachen.
apply-resume-code-hint = Später oder auf einem anderen Gerät weitermachen: mit „Speichern und später weitermachen“ erhalten Sie den Link; Ihr Fortsetzungscode dazu lautet { $code }.
apply-saved-secret = Notieren Sie den Code getrennt vom Link und geben Sie beides nicht weiter: Link und Code zusammen öffnen Ihre Angaben.
apply-receipt-title = Ihr Antrag ist eingegangen
apply-receipt-reference = Ihr Aktenzeichen:
apply-receipt-service = Leistung
apply-receipt-submitted = Eingegangen am
apply-receipt-authority = Zuständig
apply-receipt-next = Wie geht es weiter?
apply-receipt-next-text = Die Behörde bearbeitet Ihren Antrag in der Regel { $days ->
        [one] innerhalb eines Tages
       *[other] innerhalb von { $days } Tagen
    }. Bitte geben Sie bei Rückfragen Ihr Aktenzeichen an.
apply-receipt-answers = Ihre Angaben
apply-receipt-print = Sie können diese Seite ausdrucken oder als PDF speichern.
receipt-pdf-title = Eingangsbestätigung
receipt-pdf-files = Hochgeladene Dateien
receipt-pdf-footer = Eingangsbestätigung { $reference } · Seite { $page } von { $pages } · erstellt mit Rathaus
apply-receipt-pdf = Eingangsbestätigung als PDF herunterladen
apply-receipt-pdf-hint = Archivierbares PDF/A mit allen Angaben und Dateien
apply-expired-title = Dieser Antrag ist nicht verfügbar
apply-expired-text = Der Link ist ungültig oder die Seite war zu lange geöffnet. Ihre gespeicherten Angaben gehen nicht verloren: Öffnen Sie Ihren Link zum Fortsetzen erneut.
too-large-title = Die gesendeten Daten sind zu groß
too-large-text = Was Sie gesendet haben, ist größer als erlaubt (höchstens { $limit }). Bisher gespeicherte Angaben bleiben erhalten. Gehen Sie bitte zurück und kürzen Sie Ihre Eingaben; Dateien laden Sie in den dafür vorgesehenen Feldern hoch.
answer-yes = Ja
answer-no = Nein
field-optional = freiwillig
select-prompt = Bitte wählen
address-street = Straße
address-house_number = Hausnummer
address-postal_code = Postleitzahl
address-city = Ort
group-add = { $item } hinzufügen
group-remove = { $item } { $number } entfernen
error-summary-title = Bitte korrigieren Sie diese Angaben
error-title-prefix = Fehler:
error-prefix = Fehler:
error-required = Bitte machen Sie hier eine Angabe.
error-too-long = Bitte geben Sie höchstens { $max } Zeichen ein.
error-control = Bitte entfernen Sie die Steuerzeichen aus diesem Feld (zum Beispiel aus einem kopierten Text).
error-too-short = Bitte geben Sie mindestens { $min } Zeichen ein.
error-pattern = Die Angabe hat nicht das erwartete Format.
error-number = Bitte geben Sie eine ganze Zahl ein.
error-money = Bitte geben Sie einen Betrag in Euro ein, zum Beispiel 12,50.
error-min = Der Wert muss mindestens { $limit } betragen.
error-max = Der Wert darf höchstens { $limit } betragen.
error-date = Bitte geben Sie ein gültiges Datum im Format TT.MM.JJJJ ein, zum Beispiel 24.03.1985.
error-date-min = Das Datum darf nicht vor dem { $limit } liegen.
error-date-max = Das Datum darf nicht nach dem { $limit } liegen.
error-choice = Bitte wählen Sie eine der angebotenen Antworten.
error-email = Bitte geben Sie eine E-Mail-Adresse ein, zum Beispiel name@example.org.
error-phone = Bitte geben Sie eine Telefonnummer mit 6 bis 20 Ziffern ein.
error-iban = Diese IBAN ist nicht gültig. Bitte prüfen Sie sie.
error-plz = Bitte geben Sie eine fünfstellige Postleitzahl ein.
error-address-part = Bitte füllen Sie dieses Feld aus.
error-group-min = Bitte geben Sie mindestens { $min ->
        [one] einen Eintrag
       *[other] { $min } Einträge
    } an.
error-group-max = Es { $max ->
        [one] ist höchstens ein Eintrag
       *[other] sind höchstens { $max } Einträge
    } möglich.
error-consent = Bitte stimmen Sie der Verarbeitung Ihrer Angaben zu.
error-truth = Bitte bestätigen Sie, dass Ihre Angaben richtig sind.

# --- E-Mails ---
mail-receipt-subject = Eingangsbestätigung { $reference }: { $service }
mail-receipt-body =
    Guten Tag,

    Ihr Antrag ist bei uns eingegangen.

    Aktenzeichen: { $reference }
    Leistung: { $service }
    Zuständig: { $authority }
    Eingegangen am: { $date }

    Die Bearbeitung dauert in der Regel { $days ->
        [one] einen Tag
       *[other] bis zu { $days } Tage
    }. Bitte geben Sie bei Rückfragen Ihr Aktenzeichen an.

    Diese E-Mail wurde automatisch erstellt. Bitte antworten Sie nicht darauf.

# --- Vorprüfung ---
precheck-link = Vorab prüfen: Hat ein Antrag Aussicht auf Erfolg?
precheck-short = Vorprüfung
precheck-title = Vorprüfung: { $service }
precheck-nothing-stored = Ihre Antworten werden nicht gespeichert.
precheck-button = Ergebnis anzeigen
precheck-again = Antworten ändern
precheck-prepare = Das sollten Sie vorbereiten
precheck-verdict-likely = Ein Antrag hat gute Aussichten
precheck-verdict-uncertain = Ein Antrag ist möglich, aber prüfen Sie diese Punkte
precheck-verdict-not_possible = Ein Antrag hat nach Ihren Angaben derzeit keine Aussicht

# --- Dateien ---
file-rules = { $types }, höchstens { $limit }
file-current = Hochgeladen:
file-replace = Andere Datei wählen (ersetzt die hochgeladene)
error-file-invalid = Bitte laden Sie die Datei erneut hoch.
error-file-type = Diese Datei hat nicht das richtige Format. Erlaubt sind: { $allowed }.
error-file-size = Die Datei ist zu groß. Erlaubt sind höchstens { $limit }.
error-application-size = Alle Dateien zusammen dürfen höchstens { $limit } groß sein.
error-file-store = Die Datei konnte gerade nicht gespeichert werden. Ihre übrigen Angaben bleiben erhalten; bitte versuchen Sie es in einigen Minuten noch einmal.

# --- Konto, Sitzung, Mein Bereich, Postkorb ---
nav-my-area = Mein Bereich
session-guest = Sie verfolgen einen Antrag mit Zugangscode
session-guest-draft = Sie stellen einen Antrag ohne Nutzerkonto
session-as = Angemeldet als { $name }
session-my-case = Zum Antrag
session-ends = Ohne Aktivität endet die Sitzung um { $time }.
session-extend = Sitzung verlängern
session-logout = Abmelden
session-warning = Ihre Sitzung endet bald. Wählen Sie „Sitzung verlängern“, um weiterzuarbeiten.
session-ended = Ihre Sitzung ist beendet. Ihre bisher gespeicherten Angaben bleiben erhalten; melden Sie sich erneut an, um fortzufahren.
login-needed-title = Bitte melden Sie sich an
login-needed-text = Diese Seite gehört zu einem Nutzerkonto. Melden Sie sich an, um sie zu sehen.
login-expired-title = Ihre Sitzung ist abgelaufen
login-expired-text = Aus Sicherheitsgründen endet eine Sitzung nach einiger Zeit ohne Aktivität. Ihre Angaben sind gespeichert. Nach der Anmeldung machen Sie dort weiter, wo Sie waren.
login-kept-text = Was Sie zuletzt eingegeben haben, ist nicht verloren: Es wird nach der Anmeldung in Ihren Antrag übernommen.
login-button = Anmelden mit { $provider }
login-not-available = Eine Anmeldung mit Nutzerkonto ist in diesem Portal noch nicht eingerichtet.
guest-access-link = Antrag ohne Konto gestellt? Mit Aktenzeichen und Zugangscode öffnen
login-failed-title = Die Anmeldung hat nicht geklappt
login-error-none = In diesem Portal ist keine Anmeldung mit Nutzerkonto eingerichtet.
login-error-provider = Der Anmeldedienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten noch einmal.
login-error-state = Dieser Anmeldeversuch ist abgelaufen oder wurde schon verwendet. Bitte starten Sie die Anmeldung neu.
login-error-cancelled = Die Anmeldung wurde abgebrochen.
login-error-token = Die Antwort des Anmeldedienstes konnte nicht bestätigt werden. Aus Sicherheitsgründen wurden Sie nicht angemeldet.
login-failed-nothing-lost = Gespeicherte Angaben gehen dadurch nicht verloren.
login-again = Erneut anmelden
logged-out-title = Sie sind abgemeldet
logged-out-text = Ihre Sitzung ist beendet. Ihre Anträge und Entwürfe bleiben in Ihrem Konto gespeichert.
logged-out-everywhere-text = Alle Sitzungen Ihres Kontos sind beendet, auch auf anderen Geräten.
account-deleted-title = Ihr Konto ist gelöscht
account-deleted-text = Ihre Kontodaten, Entwürfe und Sitzungen wurden gelöscht. Bereits gestellte Anträge bewahrt die zuständige Behörde auf, solange das Gesetz es verlangt.
account-unnamed = Ihr Konto
guest-title = Antrag mit Zugangscode öffnen
guest-intro = Wenn Sie einen Antrag ohne Nutzerkonto gestellt haben, sehen Sie hier seinen Stand und Ihre Nachrichten.
guest-error = Aktenzeichen und Zugangscode passen nicht zusammen. Bitte prüfen Sie beide Angaben.
guest-wait = Zu viele Versuche mit diesem Aktenzeichen. Aus Sicherheitsgründen können Sie es ab { $time } Uhr wieder versuchen.
guest-reference = Aktenzeichen
guest-reference-hint = Zum Beispiel SO-2026-000123. Es steht auf Ihrer Eingangsbestätigung.
guest-code = Zugangscode
guest-code-hint = Zwölf Zeichen, zum Beispiel ABCD-EFGH-JKLM. Er steht auf Ihrer Eingangsbestätigung.
guest-button = Antrag öffnen
guest-have-account = Sie haben ein Nutzerkonto? Hier anmelden
delete-title = Konto löschen
delete-what = Wenn Sie Ihr Konto löschen, wird gelöscht:
delete-item-account = Ihr Konto mit den Angaben aus dem Anmeldedienst
delete-item-drafts = alle Entwürfe, die Sie noch nicht abgeschickt haben, mit ihren Dateien
delete-item-sessions = alle Anmeldungen auf allen Geräten
delete-kept = Abgeschickte Anträge sind bei der Behörde eingegangen. Sie werden dort aufbewahrt, solange eine gesetzliche Pflicht besteht, sind aber nicht mehr mit einem Konto verbunden.
delete-download-first = (vorher alle Ihre Daten herunterladen)
delete-confirm = Ich möchte mein Konto endgültig löschen.
delete-error-confirm = Bitte bestätigen Sie, dass Sie Ihr Konto löschen möchten.
delete-button = Konto endgültig löschen
delete-cancel = Abbrechen
my-title = Mein Bereich
my-unread = { $count ->
    [one] Sie haben eine neue Nachricht.
   *[other] Sie haben { $count } neue Nachrichten.
}
my-applications = Meine Anträge
my-reference = Aktenzeichen
my-submitted = eingereicht am
my-status = Stand:
my-new-messages = { $count ->
    [one] 1 neue Nachricht
   *[other] { $count } neue Nachrichten
}
my-no-applications = Sie haben noch keinen Antrag gestellt.
my-find-services = Leistungen finden
my-drafts = Meine Entwürfe
my-saved = zuletzt gespeichert am
my-no-drafts = Sie haben keine offenen Entwürfe.
my-documents = Meine Dokumente
my-no-documents = Noch keine Dokumente.
my-receipt-document = Eingangsbestätigung (PDF)
my-account = Mein Konto
my-level = Vertrauensniveau Ihrer Anmeldung: { $level }
level-low = niedrig
level-substantial = substanziell
level-high = hoch
my-data-download = Alle meine Daten herunterladen
my-data-hint = (maschinenlesbar als JSON, Art. 15 und 20 DSGVO)
my-delete = Konto löschen
my-sessions = { $count ->
    [one] Sie sind auf einem Gerät angemeldet.
   *[other] Sie sind auf { $count } Geräten angemeldet.
}
logout-everywhere = Überall abmelden
case-back = Zurück zu Mein Bereich
case-title = Antrag { $reference }
case-waiting = Die Behörde wartet auf eine Antwort von Ihnen. Bitte lesen Sie die neueste Nachricht.
case-timeline = Bearbeitungsstand
case-current = aktueller Stand
case-done = erledigt
case-history = Alle Änderungen des Stands
case-receipt = Eingangsbestätigung ansehen
case-messages = Postkorb
case-new = Neu
case-attachments = { $count ->
    [one] 1 Anhang
   *[other] { $count } Anhänge
}
case-no-messages = Noch keine Nachrichten.
case-reply = Nachricht an die Behörde
case-reply-text = Ihre Nachricht
case-reply-hint = Höchstens { $max } Zeichen. Sie können auch nur eine Datei senden.
case-reply-file = Datei anhängen (freiwillig)
case-reply-send = Nachricht senden
message-back = Zurück zum Antrag
message-kind = Art
message-from = Von
message-date = Gesendet am
message-opened = Von Ihnen zuerst geöffnet am
message-attachments = Anhänge
message-reply = Antworten
message-kind-message = Mitteilung
message-kind-request = Nachforderung
message-kind-notice = Bescheid
message-kind-reply = Ihre Antwort
message-from-you = Sie
message-sender-guest = Antragsteller/in
reply-subject = Antwort auf Nachfrage
reply-error-long = Ihre Nachricht ist zu lang. Erlaubt sind höchstens { $max } Zeichen.
reply-error-empty = Bitte schreiben Sie eine Nachricht oder hängen Sie eine Datei an.
status-received = Eingegangen
status-in-review = In Bearbeitung
status-waiting-for-citizen = Wartet auf Sie
status-decided = Entschieden
status-closed = Abgeschlossen
status-withdrawn = Zurückgezogen
apply-start-who = Mit oder ohne Nutzerkonto
apply-start-as = Sie stellen den Antrag mit Ihrem Nutzerkonto ({ $name }). Bekannte Angaben werden vorausgefüllt; Sie können sie ändern.
apply-start-level = Für diesen Antrag ist eine Anmeldung mit dem Vertrauensniveau „{ $level }“ nötig, zum Beispiel mit der Online-Ausweisfunktion. Ihre jetzige Anmeldung reicht dafür nicht aus.
apply-start-stronger = Mit höherem Vertrauensniveau anmelden
apply-start-login-benefit = Mit einem Nutzerkonto werden bekannte Angaben vorausgefüllt, und Sie finden Antrag, Stand und Nachrichten später in „Mein Bereich“.
apply-start-guest = Sie können den Antrag auch ohne Konto stellen. Dann erhalten Sie einen Zugangscode, mit dem Sie den Stand verfolgen.
apply-start-login-required = Für diesen Antrag ist eine Anmeldung nötig.
apply-start-guest-only = Sie stellen den Antrag ohne Nutzerkonto. Nach dem Absenden erhalten Sie einen Zugangscode, mit dem Sie den Stand verfolgen.
apply-start-button-guest = Ohne Konto beginnen
receipt-access-title = Ihr Zugangscode
receipt-access-text = Mit Aktenzeichen und diesem Code sehen Sie den Stand Ihres Antrags und Nachrichten der Behörde. Notieren Sie den Code oder laden Sie die Eingangsbestätigung herunter: In einem anderen Browser brauchen Sie ihn, um den Antrag zu öffnen.
receipt-access-where = Später öffnen Sie Ihren Antrag hier:
receipt-to-case = Stand und Nachrichten ansehen
receipt-access-code = Zugangscode für Stand und Nachrichten
prefill-mark = Aus Ihrem Nutzerkonto übernommen.
prefill-mark-folder = Aus Ihrer Umzugsmappe übernommen.
prefill-editable = Sie können die Angabe ändern.
mail-postkorb-subject = Neue Nachricht zu Ihrem Antrag
mail-postkorb-body =
    Guten Tag,

    zu Ihrem Antrag liegt eine neue Nachricht der Behörde in Ihrem Postkorb.

    Mit Nutzerkonto: { $link }
    Ohne Nutzerkonto (mit Aktenzeichen und Zugangscode): { $guest_link }

    Aus Datenschutzgründen steht der Inhalt nicht in dieser E-Mail.

    Diese E-Mail wurde automatisch erstellt. Bitte antworten Sie nicht darauf.

## Back office (Verwaltung)
staff-title = Verwaltung
staff-as = Angemeldet: { $name }
staff-nav-label = Verwaltung
staff-nav-inbox = Eingang
staff-nav-print = Druckstapel
staff-nav-figures = Kennzahlen
staff-nav-audit = Protokoll
staff-error-none = Für diese Verwaltung ist keine Anmeldung für Beschäftigte eingerichtet.
staff-error-no-rights = Ihr Konto hat keine Rolle in einem Amt dieser Verwaltung. Bitte wenden Sie sich an Ihre Administration.
staff-inbox-title = Eingang
staff-counts = Fälle nach Stand
staff-filter-search = Aktenzeichen oder Name
staff-filter-office = Amt
staff-filter-service = Leistung
staff-filter-status = Stand
staff-filter-assignee = Bearbeitung
staff-filter-sort = Sortierung
staff-filter-all = Alle
staff-filter-overdue = Nur überfällige
staff-filter-apply = Anzeigen
staff-sort-oldest = Älteste zuerst
staff-sort-newest = Neueste zuerst
staff-sort-due = Nach Frist
staff-cases = { $count ->
    [one] 1 Fall
   *[other] { $count } Fälle
}
staff-select = Auswahl
staff-select-case = { $reference } auswählen
staff-col-reference = Aktenzeichen
staff-col-applicant = Antragsteller/in
staff-col-service = Leistung
staff-col-status = Stand
staff-col-submitted = Eingegangen
staff-col-due = Frist
staff-col-assignee = Bearbeitung
staff-overdue = überfällig
staff-assignee-me = Mir
staff-assignee-none = Niemand
staff-assign-selected = Ausgewählte Fälle zuweisen an
staff-assign-to = Zuweisen an
staff-assign = Zuweisen
staff-no-cases = Keine Fälle gefunden.
staff-back-inbox = Zurück zum Eingang
staff-case-title = Fall { $reference }
staff-guest = ohne Nutzerkonto
staff-checks = Automatische Vorprüfung
staff-check-met = Erfüllt
staff-check-not-met = Nicht erfüllt
staff-check-unknown = Nicht prüfbar
staff-no-checks = Für diese Leistung sind keine Vorprüfungen festgelegt.
staff-answers = Angaben
staff-computed = Berechnete Werte
staff-files = Dateien
staff-no-files = Keine Dateien.
staff-read-at = geöffnet am { $at }
staff-request = Unterlagen oder Angaben nachfordern
staff-request-subject = Betreff
staff-request-text = Nachricht an die antragstellende Person
staff-request-send = Nachforderung senden
staff-request-error = Bitte geben Sie einen Betreff und eine Nachricht ein.
staff-notice = Entscheiden und Bescheid erstellen
staff-notice-decision = Entscheidung
staff-decision-approved = Bewilligt
staff-decision-rejected = Abgelehnt
staff-notice-reasons = Begründung
staff-notice-fee = Gebühr in Euro
staff-notice-post = Zusätzlich per Post versenden
staff-notice-post-guest = Ohne Nutzerkonto geht der Bescheid immer auch per Post.
staff-notice-show-preview = Vorschau anzeigen
staff-notice-show-pdf = Vorschau als PDF
staff-notice-release = Bescheid freigeben
staff-notice-preview = Vorschau des Bescheids
staff-notice-error-decision = Bitte wählen Sie die Entscheidung.
staff-notice-error-reasons = Bitte schreiben Sie eine Begründung.
staff-notice-error-fee = Bitte geben Sie die Gebühr als Betrag in Euro ein, zum Beispiel 29,00.
staff-notice-error-address = Der Antrag enthält keine Postanschrift; ein Brief ist nicht möglich.
staff-notes = Interne Notizen
staff-note-new = Neue Notiz (nur für die Verwaltung sichtbar)
staff-note-add = Notiz speichern
staff-action-start-review = Bearbeitung beginnen
staff-action-resume = Ohne Antwort weiter bearbeiten
staff-action-close = Fall abschließen
staff-actor-citizen = Antragsteller/in
staff-audit-view = Fall angesehen
staff-audit-view-file = Datei angesehen
staff-audit-assign = Zuweisung geändert
staff-audit-start-review = Bearbeitung begonnen
staff-audit-resume = Bearbeitung fortgesetzt
staff-audit-close = Fall abgeschlossen
staff-audit-note = Notiz geschrieben
staff-audit-request-info = Nachforderung gesendet
staff-audit-decide = Bescheid freigegeben
staff-audit-reply = Antwort eingegangen
staff-audit-withdraw = Antrag zurückgezogen
staff-conflict-title = Der Fall hat sich geändert
staff-conflict-text = Der Fall wurde inzwischen geändert, zum Beispiel von einer Kollegin oder durch eine Antwort. Es wurde nichts gespeichert. Bitte öffnen Sie den Fall neu.
staff-print-title = Druckstapel
staff-print-intro = Briefe für den Versand per Post: Bescheide für Antragstellende ohne Nutzerkonto oder auf Wunsch. Der Export enthält die PDF-Dateien und eine Adressliste für den Druckdienstleister.
staff-print-recipient = Empfänger/in
staff-print-created = Erstellt
staff-print-export = { $count } Briefe exportieren (ZIP)
staff-print-empty = Keine Briefe warten auf den Druck.
staff-figures-title = Kennzahlen
staff-figures-intro = Bearbeitungszeiten in Tagen vom Eingang bis zur Entscheidung; Wartezeit: durchschnittliche Zeit, in der Fälle auf Antwort der Antragstellenden warteten.
staff-fig-received = Eingegangen
staff-fig-open = Offen
staff-fig-decided = Entschieden
staff-fig-median = Median (Tage)
staff-fig-p90 = 90. Perzentil (Tage)
staff-fig-waiting = Wartezeit (Tage)
staff-audit-title = Protokoll
staff-audit-ok = Die Protokollkette ist vollständig und unverändert ({ $count } Einträge).
staff-audit-broken = Die Protokollkette ist ab Eintrag { $seq } verändert oder unvollständig.
staff-audit-export = Protokoll exportieren (JSON Lines)
staff-audit-latest = Neueste Einträge
staff-audit-at = Zeit
staff-audit-actor = Wer
staff-audit-action = Was
staff-audit-object = Objekt
staff-audit-hash = Prüfsumme
case-withdraw = Antrag zurückziehen
case-withdraw-hint = Wenn Sie den Antrag zurückziehen, bearbeitet die Behörde ihn nicht weiter. Das lässt sich nicht rückgängig machen.
case-withdraw-confirm = Ja, ich ziehe meinen Antrag zurück.
case-withdraw-error = Bitte bestätigen Sie, dass Sie den Antrag zurückziehen möchten.

## The notice (always German, the official language)
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
staff-nav-deliveries = Übergaben
delivery-title = Übergaben an Fachverfahren und E-Akte
delivery-intro = Anträge werden an die eingerichteten Fachverfahren, die E-Akte oder Postfächer übergeben. Fehlgeschlagene Übergaben werden automatisch wiederholt; nach zu vielen Fehlversuchen werden sie zurückgestellt und warten hier auf Sie.
delivery-targets = Eingerichtete Übergabeziele
delivery-no-targets = Für diese Behörde sind keine Übergabeziele eingerichtet.
delivery-all-services = alle Leistungen
delivery-counts = Stand aller Übergaben
delivery-list-troubled = Zurückgestellte und fehlschlagende Übergaben
delivery-list-all = Alle Übergaben (neueste zuerst)
delivery-show-all = Alle Übergaben anzeigen
delivery-show-troubled = Nur zurückgestellte und fehlschlagende anzeigen
delivery-none = Es gibt noch keine Übergaben.
delivery-none-troubled = Keine Übergabe ist zurückgestellt oder schlägt fehl.
delivery-col-target = Ziel
delivery-col-state = Stand
delivery-col-detail = Einzelheiten
delivery-col-actions = Aktionen
delivery-attempts = { $count ->
    [one] 1 Versuch
   *[other] { $count } Versuche
}
delivery-created = Angelegt
delivery-next = Nächster Versuch
delivery-done = Erledigt
delivery-last-error = Letzter Fehler
delivery-retry = Jetzt wiederholen
delivery-cancel = Abbrechen
delivery-case-title = Übergaben
delivery-case-none = Dieser Antrag wurde an kein Fachverfahren übergeben.
delivery-external-ref = Aktenzeichen im Fachverfahren
delivery-state-pending = wartet
delivery-state-failing = schlägt fehl, wird wiederholt
delivery-state-parked = zurückgestellt
delivery-state-done = übergeben
delivery-state-cancelled = abgebrochen
delivery-event-received = bei Eingang
delivery-event-review_started = bei Beginn der Prüfung
delivery-event-decided = nach der Entscheidung
delivery-kind-webhook = Webhook
delivery-kind-fit_connect = FIT-Connect
delivery-kind-xdomea = xdomea (E-Akte)
delivery-kind-file_drop = Dateiablage
delivery-kind-email = E-Mail an das Amt

case-external-ref = Aktenzeichen der bearbeitenden Stelle:

## Payments (fees)
payment-title = Zahlung
payment-fee-title = Gebühr
payment-col-item = Posten
payment-col-quantity = Anzahl
payment-col-unit = Einzelpreis
payment-col-total = Betrag
payment-total = Zu zahlen
payment-check-hint = Nach dem Absenden sehen Sie auf der Eingangsbestätigung, wie Sie die Gebühr überweisen.
payment-state = Stand der Zahlung
payment-status-open = offen
payment-status-pending = in Bearbeitung beim Zahlungsdienst
payment-status-paid = bezahlt
pay-app-title = Zurück zur App
pay-app-text = Der Bezahldienst hat Sie hierher zurückgeschickt. Wechseln Sie jetzt wieder in die App: Sie zeigt Ihnen, ob die Zahlung angekommen ist. Auf dieser Seite stehen keine Angaben zu Ihrem Antrag.
pay-app-portal = Zur Startseite des Portals
payment-status-failed = fehlgeschlagen
payment-status-cancelled = abgebrochen
payment-status-refunded = erstattet
payment-transfer-title = Per Überweisung bezahlen
payment-transfer-intro = Überweisen Sie den Betrag bitte mit genau diesem Verwendungszweck. Dann wird Ihre Zahlung automatisch Ihrem Antrag zugeordnet.
payment-beneficiary = Empfänger
payment-iban = IBAN
payment-bic = BIC
payment-amount = Betrag
payment-reference = Verwendungszweck (Referenz)
payment-reference-hint = Die Referenz beginnt mit RF und enthält eine Prüfziffer; Ihre Bank prüft sie bei der Eingabe.
payment-qr-alt = GiroCode (QR-Code) für die Überweisung von { $amount } an { $beneficiary }
payment-qr-caption = GiroCode: Mit der Banking-App scannen, dann sind alle Angaben ausgefüllt.
payment-staff-title = Zahlung
payment-booking-code = Buchungsstelle
payment-how = So bezahlen Sie
staff-nav-cash = Kasse
cash-title = Kasse: Zahlungseingänge
cash-intro = Laden Sie hier Kontoauszüge der Bank hoch (camt.053 oder camt.054). Jede Gutschrift mit der Referenz und dem Betrag einer offenen Gebühr wird automatisch als bezahlt verbucht; alles andere steht unten zur Klärung.
cash-import-title = Kontoauszug einlesen
cash-file-label = Kontoauszug (camt.053 oder camt.054, XML)
cash-file-hint = Höchstens { $max }. Dieselbe Datei zweimal einzulesen verbucht nichts doppelt.
cash-import = Einlesen
cash-no-file = Bitte wählen Sie eine Datei aus.
cash-bad-file = Die Datei ist kein lesbarer Kontoauszug im Format camt.053 oder camt.054: { $detail }
cash-too-large = Die Datei ist zu groß. Erlaubt sind höchstens { $max }.
cash-imported = Eingelesen: { $new } neue Buchungen, davon { $paid } Gebühren bezahlt und { $waiting } zur Klärung; { $known } waren schon bekannt.
cash-waiting-title = Zur Klärung
cash-waiting-none = Keine Buchung wartet auf Klärung.
cash-recent-title = Zuletzt eingelesen
cash-recent-none = Noch kein Kontoauszug eingelesen.
cash-col-date = Buchungstag
cash-col-amount = Betrag
cash-col-debtor = Zahler
cash-col-text = Verwendungszweck
cash-col-outcome = Ergebnis
cash-outcome-pays = Gebühr bezahlt
cash-outcome-no-reference = keine Referenz
cash-outcome-unknown-reference = Referenz unbekannt
cash-outcome-amount-differs = Betrag weicht ab
cash-outcome-already-paid = schon bezahlt (doppelt?)
payment-kassenzeichen = Kassenzeichen
payment-unavailable = Der Bezahldienst ist gerade nicht erreichbar. Versuchen Sie es später noch einmal oder überweisen Sie den Betrag.
payment-online-title = Online bezahlen
payment-online-button = { $amount } jetzt online bezahlen
demo-pay-title = Demo-Bezahldienst
demo-pay-note = Dies ist der eingebaute Bezahldienst der Demo. Es wird kein Geld bewegt. Ein echtes Portal leitet hier zu seinem Bezahldienst (XBezahldienste) weiter.
demo-pay-purpose = Verwendungszweck
demo-pay-description = Beschreibung
demo-pay-pay = Zahlung bestätigen (Demo)
demo-pay-fail = Zahlung scheitern lassen (Demo)
demo-pay-cancel = Abbrechen
demo-pay-done = Diese Zahlung ist abgeschlossen.
demo-pay-back = Zurück zum Antrag
cash-export-title = Buchungsdatei für die Finanzsoftware
cash-export-intro = Alle an einem Tag bezahlten Gebühren mit Kassenzeichen, Aktenzeichen und Buchungsstelle, als CSV oder XML.
cash-export-day = Buchungstag
cash-export-csv = CSV herunterladen
cash-export-xml = XML herunterladen
payment-status-debit = wird per SEPA-Lastschrift eingezogen
cash-debit-title = SEPA-Lastschriften
cash-debit-waiting = { $count ->
    [0] Keine Lastschrift wartet auf den Einzug.
    [one] Eine Lastschrift wartet auf den Einzug.
   *[other] { $count } Lastschriften warten auf den Einzug.
}
cash-debit-export = Einzugsdatei (pain.008) erzeugen
cash-debit-none = Es gibt keine neuen Lastschriften.
payment-first = Die Gebühr ist vorab zu zahlen: Wir bearbeiten Ihren Antrag, sobald sie bezahlt ist.
notice-fee-transfer = Bitte überweisen Sie den Betrag an { "{" }beneficiary{ "}" }, IBAN { "{" }iban{ "}" }, mit dem Verwendungszweck { "{" }reference{ "}" } – oder bezahlen Sie ihn online über Ihren Antrag im Serviceportal.

## Appointments (Terminvergabe)
nav-appointments = Termine
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember
weekday-short-mon = Mo
weekday-short-tue = Di
weekday-short-wed = Mi
weekday-short-thu = Do
weekday-short-fri = Fr
weekday-short-sat = Sa
weekday-short-sun = So
appt-date = { $weekday }, { $day }. { $month } { $year }
appt-oclock = Uhr
appt-minutes = { $minutes } Minuten
appt-index-title = Termin vereinbaren
appt-index-intro = Wählen Sie das Amt, bei dem Sie einen Termin vor Ort brauchen. Sie erhalten eine Bestätigung per E-Mail und können den Termin jederzeit verlegen oder absagen.
appt-index-none = Zurzeit können Sie hier keine Termine online vereinbaren.
appt-office-info = Anschrift und Öffnungszeiten
appt-office-title = Termin: { $office }
appt-moving = Sie verlegen Ihren Termin am { $when } Uhr. Wählen Sie eine neue Zeit; bis dahin bleibt der bisherige Termin bestehen.
appt-moving-keep = Bisherigen Termin behalten
appt-choose-services = Wofür brauchen Sie den Termin?
appt-choose-hint = Sie können mehrere Anliegen auswählen; die Dauer wird zusammengerechnet.
appt-show-times = Freie Zeiten anzeigen
appt-duration = Ihr Termin dauert etwa { $minutes } Minuten.
appt-next-title = Nächste freie Termine
appt-none-free = In den nächsten Wochen ist leider kein Termin frei. Bitte versuchen Sie es später noch einmal oder rufen Sie an.
appt-month-title = Termine im Monat
appt-month-prev = Vorheriger Monat
appt-month-next = Nächster Monat
appt-free-count = { $count ->
    [one] 1 frei
   *[other] { $count } frei
}
appt-no-free = kein Termin frei
appt-day-closed = An diesem Tag ist das Amt geschlossen: { $reason }
appt-closed = geschlossen
appt-day-full = An diesem Tag ist kein Termin mehr frei.
appt-error-no-service = Bitte wählen Sie mindestens ein Anliegen aus.
appt-error-unknown-service = Dieses Anliegen kann hier nicht gebucht werden. Bitte wählen Sie aus der Liste.
appt-error-too-long = Diese Anliegen zusammen dauern zu lange für einen Termin (höchstens { $max } Minuten). Bitte buchen Sie mehrere Termine.
appt-error-too-many = Bitte wählen Sie höchstens { $max } Anliegen für einen Termin.
appt-book-title = Termin buchen
appt-where = Ort
appt-when = Zeit
appt-what = Anliegen
appt-change-time = Andere Zeit wählen
appt-name = Ihr Name
appt-email-hint = An diese Adresse schicken wir die Bestätigung mit dem Termin für Ihren Kalender und am Vortag eine Erinnerung.
appt-consent = Ich bin einverstanden, dass { $provider } meinen Namen und meine E-Mail-Adresse für diesen Termin speichert. Sie werden 30 Tage nach dem Termin gelöscht.
appt-book-submit = Termin verbindlich buchen
appt-error-name = Bitte geben Sie Ihren Namen an.
appt-error-name-link = Bitte geben Sie nur Ihren Namen an, ohne Web- oder E-Mail-Adresse.
appt-error-consent = Bitte stimmen Sie der Speicherung für den Termin zu.
appt-error-email-limit = Mit dieser E-Mail-Adresse sind bei diesem Amt schon { $max } Termine gebucht. Bitte sagen Sie einen ab, bevor Sie einen weiteren buchen.
appt-taken-title = Dieser Termin ist nicht mehr frei
appt-taken-text = Jemand anderes war schneller, oder die Zeit kann nicht mehr gebucht werden. Ihre Angaben sind nicht verloren: Wählen Sie bitte eine andere Zeit.
appt-rate-title = Zu viele Buchungen
appt-rate-text = Von Ihrem Anschluss wurden in der letzten Stunde zu viele Termine gebucht. Bitte versuchen Sie es später noch einmal.
appt-back-to-times = Zu den freien Zeiten
appt-title = Ihr Termin
appt-changed-gebucht = Ihr Termin ist gebucht. Die Bestätigung kommt per E-Mail. Bitte bewahren Sie den Link dieser Seite auf; mit ihm können Sie den Termin verlegen oder absagen.
appt-changed-verlegt = Ihr Termin ist verlegt. Die neue Bestätigung kommt per E-Mail.
appt-changed-abgesagt = Ihr Termin ist abgesagt. Die Zeit ist wieder frei für andere.
appt-cancelled = Abgesagt
appt-code = Buchungscode
appt-reference = Zum Antrag
appt-code-hint = Zeigen Sie den Buchungscode vor Ort am Empfang oder geben Sie ihn am Terminal ein. Sie erhalten dann eine Wartenummer.
appt-ics = In meinen Kalender übernehmen (.ics)
appt-change-title = Verlegen oder absagen
appt-move = Termin verlegen
appt-cancel = Termin absagen
appt-book-again = Neuen Termin vereinbaren
appt-mail-booked-subject = Ihr Termin am { $date } um { $time } Uhr
appt-mail-booked-body = Guten Tag { $name },

    Ihr Termin ist gebucht.

    Wann: { $date }, { $time } Uhr
    Wo: { $office }, { $authority }, { $address }
    Anliegen: { $services }
    Buchungscode: { $code }

    Bitte nennen Sie den Buchungscode vor Ort am Empfang oder geben Sie ihn am Terminal ein.
    Den Termin für Ihren Kalender finden Sie im Anhang.

    Verlegen oder absagen: { $link }

    Dies ist eine automatisch erstellte Nachricht.
appt-mail-moved-subject = Ihr Termin wurde verlegt: { $date } um { $time } Uhr
appt-mail-moved-body = Guten Tag { $name },

    Ihr Termin ist verlegt. Es gilt die neue Zeit:

    Wann: { $date }, { $time } Uhr
    Wo: { $office }, { $authority }, { $address }
    Anliegen: { $services }
    Buchungscode: { $code }

    Verlegen oder absagen: { $link }

    Dies ist eine automatisch erstellte Nachricht.
appt-mail-cancelled-subject = Ihr Termin am { $date } ist abgesagt
appt-mail-cancelled-body = Guten Tag { $name },

    Ihr Termin am { $date } um { $time } Uhr bei { $office } ist abgesagt.

    Einen neuen Termin können Sie jederzeit online vereinbaren.

    Dies ist eine automatisch erstellte Nachricht.
appt-mail-reminder-subject = Erinnerung: Ihr Termin morgen um { $time } Uhr
appt-mail-reminder-body = Guten Tag { $name },

    wir erinnern Sie an Ihren Termin morgen.

    Wann: { $date }, { $time } Uhr
    Wo: { $office }, { $authority }, { $address }
    Anliegen: { $services }
    Buchungscode: { $code }

    Wenn Sie nicht kommen können, sagen Sie den Termin bitte über den Link in Ihrer Buchungsbestätigung ab. So wird er für andere frei.

    Dies ist eine automatisch erstellte Nachricht.
receipt-appointment-title = Termin vor Ort
receipt-appointment-text = Für diesen Antrag kommen Sie einmal persönlich ins Amt. Den Termin können Sie gleich hier vereinbaren.
receipt-appointment-book = Termin vereinbaren
my-notices = Mitteilungen
my-notice-new = neu
my-losses = Meine Verlustmeldungen
notice-back = Zurück zu Mein Bereich
notice-go = Weiter
notice-delete = Mitteilung löschen
idstatus-notify-intro-account = Sobald Ihr Dokument abgeholt werden kann, legen wir eine Mitteilung in Mein Bereich (und Ihre Stadt-App erfährt davon, wenn Sie dort angemeldet sind). Möchten Sie zusätzlich eine E-Mail, tragen Sie Ihre Adresse ein; wir löschen sie nach dem Versand.
idstatus-notify-done-account = Sobald Ihr Dokument abgeholt werden kann, finden Sie eine Mitteilung in
found-loss-email-hint-account = Passt eine abgegebene Sache, erhalten Sie eine Mitteilung in Mein Bereich. Mit einer E-Mail-Adresse schreiben wir Ihnen zusätzlich.
found-loss-in-my-area = Ihre Verlustmeldung steht auch in
folder-make = Umzugsmappe anlegen
folder-open-link = Vorhandene Mappe öffnen
folder-new-hint = Aus Ihren Antworten entsteht Ihre persönliche Liste mit Fristen. Sie können sie jederzeit wieder öffnen und löschen.
folder-new-guest = Ohne Anmeldung öffnen Sie sie in diesem Browser oder mit Mappennummer und Zugangscode.
folder-consent = Meine Angaben dürfen in die Anträge aus dieser Mappe übernommen werden.
folder-consent-hint = Name, neue Anschrift und Umzugsdatum tippen Sie dann nur einmal. Sie sehen jede übernommene Angabe im Antrag und können sie ändern.
folder-consent-given = Ihre Angaben aus der Mappe werden in die Anträge übernommen.
folder-consent-not-given = Sie haben der Übernahme Ihrer Angaben nicht zugestimmt; die Anträge beginnen leer.
folder-open-count = { $count ->
    [one] Noch ein Punkt ist offen.
   *[other] Noch { $count } Punkte sind offen.
}
folder-all-done = Alles erledigt.
folder-guest-keep = Notieren Sie Mappennummer und Zugangscode, um die Mappe in einem anderen Browser zu öffnen.
folder-reference = Mappennummer
folder-reference-hint = Zum Beispiel M-2026-3FA9C2.
folder-code = Zugangscode
folder-optional = freiwillig
folder-state-open = offen
folder-state-draft = Antrag begonnen
folder-state-submitted = Antrag gestellt
folder-state-done = erledigt
folder-state-not_for_me = nicht für mich
folder-state-other_chosen = nicht nötig – anders erledigt
folder-choice = Eine von mehreren Möglichkeiten: Sie brauchen nur eine davon.
folder-due = fällig bis { $date }
folder-overdue = überfällig seit { $date }
folder-at-office = Bei:
folder-application = Antrag { $reference }
folder-application-open = Zum Antrag
folder-application-continue = Antrag fortsetzen
folder-apply = Antrag stellen
folder-book = Termin buchen
folder-mark-done = Erledigt
folder-mark-not-for-me = Nicht für mich
folder-mark-open = Wieder öffnen
folder-delete-title = Mappe löschen
folder-delete-hint = Die Mappe und Ihre Antworten werden gelöscht. Gestellte Anträge bleiben bestehen.
folder-delete = Mappe löschen
folder-deleted = Ihre Mappe wurde gelöscht.
folder-open-title = Umzugsmappe öffnen
folder-open-intro = Geben Sie Mappennummer und Zugangscode ein, um Ihre Mappe in diesem Browser zu öffnen.
folder-open-none = Zu diesen Angaben gibt es keine Mappe.
folder-open-wait = Zu viele Versuche. Bitte versuchen Sie es wieder ab { $time }.
folder-open-submit = Öffnen
folder-remind-subject = Umzugsmappe: { $count ->
    [one] ein Punkt ist bald fällig
   *[other] { $count } Punkte sind bald fällig
}
folder-remind-body = Guten Tag,

    in Ihrer Umzugsmappe „{ $folder }“ { $count ->
        [one] ist ein Punkt
       *[other] sind { $count } Punkte
    } in den nächsten Tagen fällig. Welche, sehen Sie in der Mappe: { $link } { $reference }

    Diese Erinnerung kommt für jeden Punkt nur einmal.

    { $authority }
folder-pdf-intro = Ihre persönliche Liste zum Umzug, mit dem Stand bei der Erstellung dieses Dokuments.
folder-pdf-footer = { $authority } – Umzugsmappe – Seite { $page } von { $pages }
folder-export-pdf = Liste als PDF
folder-export-ics = Fristen für den Kalender (.ics)
my-folders = Meine Umzugsmappen
my-appointments = Ihre Termine

## Kiosk and call-up display
kiosk-title = Anmeldung
kiosk-with-appointment = Ich habe einen Termin
kiosk-code = Buchungscode
kiosk-code-hint = Er steht in Ihrer Terminbestätigung, zum Beispiel ABC-234.
kiosk-check-in = Anmelden
kiosk-without-appointment = Ich habe keinen Termin
kiosk-what-for = Ihr Anliegen
kiosk-take-number = Wartenummer ziehen
kiosk-ticket-title = Ihre Wartenummer
kiosk-your-number = Ihre Wartenummer ist
kiosk-appointment-at = Termin um { $time } Uhr
kiosk-ticket-text = Bitte nehmen Sie Platz. Ihre Nummer erscheint auf dem Bildschirm mit dem Platz, an den Sie kommen.
kiosk-done = Fertig
kiosk-error-service = Bitte wählen Sie Ihr Anliegen aus.
kiosk-error-code = Diesen Buchungscode gibt es für heute hier nicht. Bitte prüfen Sie ihn oder wenden Sie sich an den Empfang.
kiosk-error-early = Ihr Termin ist später. Sie können sich ab { $time } Uhr anmelden.
kiosk-error-late = Ihr Termin ist schon vorbei. Bitte ziehen Sie eine Wartenummer ohne Termin oder wenden Sie sich an den Empfang.
display-title = Aufrufanzeige
display-latest = Aufgerufen
display-none = Noch niemand aufgerufen
display-earlier = Zuvor aufgerufen
display-number = Nummer
display-counter = Platz
display-waiting = Wartende:

## Visitors on site (staff)
staff-nav-visitors = Vor Ort:
visit-title = Vor Ort: { $office }
visit-display-link = Aufrufanzeige öffnen
visit-kiosk-link = Anmeldeterminal öffnen
visit-msg-eingecheckt = Angemeldet: Wartenummer { $number }.
visit-msg-aufgerufen = Aufgerufen: { $number }.
visit-msg-niemand = Niemand wartet.
visit-msg-erledigt = Gespeichert.
visit-msg-code = Diesen Buchungscode gibt es heute hier nicht.
visit-msg-leistung = Bitte wählen Sie das Anliegen aus.
visit-msg-frueh = Dieser Termin kann erst zwei Stunden vorher angemeldet werden.
visit-msg-spaet = Dieser Termin ist vorbei; bitte als Besuch ohne Termin anmelden.
visit-msg-schalter = Bitte geben Sie Ihren Platz an.
visit-call-title = Nächste Person aufrufen
visit-counter = Platz
visit-call-next = Nächste aufrufen
visit-called-title = Aufgerufen
visit-col-number = Nummer
visit-col-services = Anliegen
visit-col-actions = Aktionen
visit-done = Erledigt
visit-recall = Erneut aufrufen
visit-missed = Nicht erschienen
visit-waiting-title = Wartende
visit-col-kind = Art
visit-col-since = Wartet seit
visit-nobody-waiting = Niemand wartet.
visit-today-title = Termine heute
visit-col-time = Zeit
visit-col-name = Name
visit-col-state = Stand
visit-check-in = Anmelden
visit-expected = erwartet
visit-no-appointments = Heute sind keine Termine gebucht.
visit-walk-in-title = Besuch ohne Termin
visit-walk-in = Wartenummer vergeben
visit-figures-title = Kennzahlen heute
visit-fig-visitors = Besuche
visit-fig-served = Bedient
visit-fig-wait = Mittlere Wartezeit
visit-fig-max-wait = Längste Wartezeit
visit-fig-service = Mittlere Bedienzeit
visit-days-caption = Die letzten 30 Tage (Zeiten in Minuten)
visit-col-day = Tag
visit-status-waiting = wartet
visit-status-called = aufgerufen
visit-status-done = erledigt
visit-status-missed = nicht erschienen
visit-kind-appointment = mit Termin
visit-kind-walk_in = ohne Termin

# API reference
api-ref-title = Schnittstelle für Apps (API)
api-ref-intro = Mit dieser Schnittstelle können Stadt-Apps und andere Programme die Leistungen des Portals anbieten. Die Beschreibung richtet sich an Entwicklerinnen und Entwickler und ist auf Englisch.
api-ref-document = Beschreibung als OpenAPI-Dokument
api-ref-index = Einstieg in die Schnittstelle:
api-ref-contents = Inhalt
api-ref-group = Bereich
api-ref-params = Parameter
api-ref-responses = Antworten
api-ref-name = Name
api-ref-in = Ort
api-ref-type = Typ
api-ref-required = Pflicht
api-ref-description = Beschreibung
api-ref-status = Status
api-ref-body = Inhalt der Antwort
api-ref-schemas = Datenformate
api-ref-values = Mögliche Werte
api-ref-fields = Felder von { $name }

# App login (OAuth for city apps)
app-login-title = Anmeldung in einer App
app-login-question = Die App „{ $app }“ möchte in Ihrem Namen auf Ihr Nutzerkonto in diesem Portal zugreifen.
app-login-as = Sie sind angemeldet als { $name }.
app-login-may = Die App darf dann
app-login-may-applications = Ihre Anträge und deren Stand sehen,
app-login-may-postkorb = Nachrichten in Ihrem Postkorb lesen und beantworten,
app-login-may-apply = Anträge für Sie stellen und Termine buchen.
app-login-end = Sie können den Zugriff jederzeit beenden: in der App durch Abmelden oder hier im Portal mit „Überall abmelden“.
app-login-allow = Zulassen
app-login-deny = Ablehnen
app-login-refused = Diese Anmeldung ist nicht möglich
app-error-client = Die App ist bei diesem Portal nicht bekannt. Bitte wenden Sie sich an die Anbieterin der App.
app-error-redirect = Die App hat eine Rücksprungadresse angegeben, die für sie nicht eingetragen ist. Aus Sicherheitsgründen wird die Anmeldung nicht fortgesetzt.

## Is my ID card ready? (Statusabfrage)
idstatus-title = Ist mein Ausweis fertig?
idstatus-home-link = Ist mein Personalausweis oder Reisepass fertig? Status abfragen
idstatus-intro = Hier sehen Sie, ob Ihr Personalausweis, Reisepass oder Ihre eID-Karte schon abgeholt werden kann. Sie brauchen dafür die Antragsnummer oder die Seriennummer und Ihr Geburtsdatum.
idstatus-number = Antragsnummer oder Seriennummer
idstatus-number-hint = Beide Nummern stehen auf der Bestätigung, die Sie bei der Antragstellung bekommen haben. Leerzeichen und Bindestriche können Sie weglassen.
idstatus-birth = Geburtsdatum
idstatus-birth-hint = Zum Beispiel 09.11.1972
idstatus-submit = Status abfragen
idstatus-privacy = Ihre Eingaben werden nicht gespeichert. Die Behörde hinterlegt den Status nur unter einem Prüfwert, aus dem sich weder Nummer noch Geburtsdatum ablesen lassen, und löscht ihn kurz nach der Abholung.
idstatus-offices = Zuständig
idstatus-none = Zu diesen Angaben liegt uns kein Status vor. Bitte prüfen Sie die Nummer und das Geburtsdatum. Wurde Ihr Antrag erst vor wenigen Tagen gestellt, versuchen Sie es bitte später noch einmal.
idstatus-wait = Zu viele Versuche. Aus Sicherheitsgründen können Sie ab { $time } Uhr wieder nachfragen.
idstatus-again = Einen anderen Status abfragen
idstatus-office = Ausgabestelle
idstatus-kind-id-card = Personalausweis
idstatus-kind-passport = Reisepass
idstatus-kind-child-passport = Kinderreisepass
idstatus-kind-eid-card = eID-Karte
idstatus-status-in-production = Ihr Dokument wird noch hergestellt. Sobald es bei uns angekommen ist, können Sie es abholen.
idstatus-status-ready = Ihr Dokument liegt seit { $since } zur Abholung bereit.
idstatus-status-handed-out = Ihr Dokument wurde am { $since } ausgehändigt.
idstatus-status-dispatched = Ihr Dokument ist seit { $since } per Direktversand auf dem Weg zu Ihnen.
idstatus-status-delivered = Ihr Dokument wurde am { $since } per Direktversand zugestellt.
idstatus-status-returned = Der Direktversand hat Sie nicht erreicht. Ihr Dokument liegt seit { $since } wieder bei uns zur Abholung bereit.
idstatus-pickup-intro = Bitte holen Sie das Dokument persönlich ab und bringen Sie Ihr bisheriges Dokument mit, falls Sie eines haben.
idstatus-pickup-book = Abholtermin buchen
idstatus-notify-title = Benachrichtigung, sobald es fertig ist
idstatus-notify-intro = Wir schicken Ihnen eine einzige E-Mail, sobald Ihr Dokument abgeholt werden kann. Die E-Mail nennt weder Ihren Namen noch eine Nummer. Danach löschen wir Ihre Adresse.
idstatus-notify-submit = Benachrichtigen
idstatus-notify-done = Wir schicken Ihnen eine E-Mail, sobald Ihr Dokument abgeholt werden kann.
idstatus-error-number-missing = Bitte geben Sie die Antragsnummer oder die Seriennummer ein.
idstatus-error-number = Bitte geben Sie die Nummer so ein, wie sie auf Ihrer Bestätigung steht (6 bis 24 Buchstaben und Ziffern).
idstatus-error-birth-missing = Bitte geben Sie Ihr Geburtsdatum ein.
idstatus-error-birth = Bitte geben Sie Ihr Geburtsdatum als Tag, Monat und Jahr ein, zum Beispiel 09.11.1972.
idstatus-error-email-missing = Bitte geben Sie die E-Mail-Adresse ein, an die wir schreiben sollen.
idstatus-mail-subject = Ihr Dokument ist abholbereit – { $office }
idstatus-mail-body = Guten Tag,

    Ihr Ausweisdokument liegt zur Abholung bereit.

    Wo: { $office }, { $authority }, { $address }
    Abholtermin buchen oder Öffnungszeiten ansehen: { $link }

    Bitte bringen Sie Ihr bisheriges Dokument mit, falls Sie eines haben.

    Diese Nachricht wurde einmalig auf Ihren Wunsch verschickt. Ihre E-Mail-Adresse ist bei uns nun gelöscht.

    { $authority }
idstatus-notice-body = Ihr Ausweisdokument liegt zur Abholung bereit.

    Wo: { $office }, { $authority }, { $address }
    Abholtermin buchen oder Öffnungszeiten ansehen: { $link }

    Bitte bringen Sie Ihr bisheriges Dokument mit, falls Sie eines haben.
idstatus-state-in-production = In Herstellung
idstatus-state-ready = Abholbereit
idstatus-state-handed-out = Ausgehändigt
idstatus-state-dispatched = Im Direktversand
idstatus-state-delivered = Zugestellt
idstatus-state-returned = Zurück aus dem Direktversand
staff-nav-id-status = Ausweisstatus
idstatus-staff-title = Ausweisstatus – { $office }
idstatus-staff-intro = Hier laden Sie den Export des Fachverfahrens hoch, wenn kein nächtlicher Import läuft. Bürgerinnen und Bürger fragen den Status mit Antrags- oder Seriennummer und Geburtsdatum ab; gespeichert werden weder Nummern noch Geburtsdaten, nur daraus mit dem Schlüssel des Portals gebildete Prüfwerte.
idstatus-upload-title = Export hochladen
idstatus-upload-label = CSV-Datei des Fachverfahrens
idstatus-upload-hint = Spalten art, antragsnummer, seriennummer, geburtsdatum, status und seit, getrennt durch Semikolon oder Komma, UTF-8. Höchstens { $max }. Eine fehlerhafte Zeile verhindert den ganzen Import.
idstatus-upload-submit = Hochladen
idstatus-upload-done = Übernommen: { $added } neu, { $updated } aktualisiert, { $notified } Benachrichtigungen verschickt.
idstatus-upload-failed = Nichts übernommen – bitte korrigieren Sie die Datei
idstatus-upload-row = Zeile { $line }, { $field }: { $reason }
idstatus-upload-none = Bitte wählen Sie eine Datei aus.
idstatus-upload-too-large = Die Datei ist zu groß.
idstatus-upload-not-utf8 = Die Datei ist nicht in UTF-8 gespeichert. Bitte exportieren Sie sie als „CSV UTF-8“.
idstatus-counts-title = Bestand
idstatus-counts-status = Status
idstatus-counts-count = Anzahl
idstatus-counts-none = Noch keine Einträge.

## Fundbüro
found-home-link = Etwas verloren? Im Fundbüro suchen oder einen Verlust melden
found-title = Fundbüro
found-intro = Hier finden Sie Fundsachen, die bei uns abgegeben wurden. Angezeigt wird nur eine allgemeine Beschreibung; woran Sie Ihre Sache erkennen, fragen wir bei der Abholung. Ausweise und Bankkarten zeigen wir nicht an – sie gehen an die ausstellende Stelle zurück.
found-category = Art der Sache
found-category-any = Alle Arten
found-choose = Bitte wählen
found-from = Gefunden ab
found-to = Gefunden bis
found-words = Suchbegriffe
found-words-hint = Zum Beispiel Marke, Farbe oder Ort, etwa „Rucksack Bahnhof“.
found-search = Suchen
found-results = { $count ->
    [0] Keine Fundsachen
    [one] Eine Fundsache
   *[other] { $count } Fundsachen
  }
found-number = Fundnummer
found-on = Funddatum
found-place = Fundort
found-place-hint = Nur grob, zum Beispiel Stadtteil, Platz oder Haltestelle – keine Hausnummer.
found-none = Zu Ihrer Suche gibt es zurzeit keine Fundsachen. Melden Sie Ihren Verlust, dann schreiben wir Ihnen, wenn etwas Passendes abgegeben wird.
found-lost-title = Etwas verloren?
found-lost-intro = Melden Sie Ihren Verlust. Wird etwas Passendes abgegeben, schreiben wir Ihnen eine E-Mail.
found-lost-link = Verlust melden
found-contact = Kontakt
found-loss-title = Verlust melden
found-loss-intro = Beschreiben Sie, was Sie verloren haben. Wir vergleichen Ihre Meldung mit allen Fundsachen, die jetzt und künftig bei uns abgegeben werden. Ob eine Sache wirklich Ihnen gehört, klären wir persönlich.
found-loss-done = Ihre Verlustmeldung ist eingegangen. Wir schreiben Ihnen, sobald eine Fundsache dazu passen könnte.
found-loss-done-match = Es gibt schon Fundsachen, die passen könnten. Wir haben Ihnen die Fundnummern per E-Mail geschickt; bitte melden Sie sich beim Fundbüro.
found-back = Zurück zur Suche im Fundbüro
found-colour = Farbe
found-colour-unknown = Keine Angabe
found-description = Beschreibung
found-loss-description-hint = Was ist es, wie sieht es aus, was war darin? Höchstens 300 Zeichen.
found-loss-place = Wo haben Sie es verloren? (wenn bekannt)
found-loss-date = Wann haben Sie es verloren?
found-date-hint = Zum Beispiel 03.12.2026
found-loss-email-hint = An diese Adresse schreiben wir, wenn etwas Passendes abgegeben wird.
found-loss-consent = Ich bin einverstanden, dass meine Meldung mit Fundsachen verglichen und mir dazu geschrieben wird.
found-loss-submit = Verlust melden
found-cat-bag = Tasche oder Rucksack
found-cat-wallet = Geldbörse
found-cat-keys = Schlüssel
found-cat-phone = Mobiltelefon
found-cat-electronics = Elektronik
found-cat-jewellery = Schmuck
found-cat-watch = Uhr
found-cat-glasses = Brille
found-cat-clothing = Kleidung
found-cat-umbrella = Regenschirm
found-cat-bicycle = Fahrrad
found-cat-toy = Spielzeug
found-cat-sports = Sportsachen
found-cat-identity-document = Ausweis oder anderes amtliches Dokument
found-cat-bank-card = Bank- oder Kreditkarte
found-cat-other = Sonstiges
found-colour-schwarz = schwarz
found-colour-weiss = weiß
found-colour-grau = grau
found-colour-silber = silber
found-colour-gold = gold
found-colour-braun = braun
found-colour-beige = beige
found-colour-rot = rot
found-colour-rosa = rosa
found-colour-orange = orange
found-colour-gelb = gelb
found-colour-gruen = grün
found-colour-blau = blau
found-colour-mehrfarbig = mehrfarbig
found-error-date-missing = Bitte geben Sie das Datum ein.
found-error-date = Bitte geben Sie ein Datum aus den letzten zwölf Monaten ein, zum Beispiel 03.12.2026.
found-error-missing = Bitte füllen Sie dieses Feld aus.
found-error-short = Bitte beschreiben Sie es etwas genauer.
found-error-long = Bitte fassen Sie sich kürzer (höchstens { $max } Zeichen).
found-error-colour = Bitte wählen Sie eine Farbe aus der Liste.
found-error-category = Bitte wählen Sie die Art der Sache.
found-error-email-missing = Bitte geben Sie Ihre E-Mail-Adresse ein.
found-error-limited = Von Ihrem Anschluss kamen in der letzten Stunde zu viele Verlustmeldungen. Bitte versuchen Sie es ab { $time } Uhr wieder oder wenden Sie sich an das Fundbüro.
found-error-consent = Bitte bestätigen Sie, dass wir Ihre Meldung vergleichen und Ihnen schreiben dürfen.
found-redact-name = Öffentliche Angaben dürfen keinen Namen enthalten. Namen gehören in die privaten Merkmale.
found-redact-digits = Öffentliche Angaben dürfen keine langen Ziffernfolgen enthalten (Karten-, Serien- oder Kontonummern). Sie gehören in die privaten Merkmale.
found-redact-iban = Öffentliche Angaben dürfen keine IBAN enthalten.
found-redact-email = Öffentliche Angaben dürfen keine E-Mail-Adresse enthalten.
found-redact-phone = Öffentliche Angaben dürfen keine Telefonnummer enthalten.
found-mail-subject = Fundbüro: Eine Fundsache könnte zu Ihrer Verlustmeldung passen
found-mail-body = Guten Tag,

    im Fundbüro wurde etwas abgegeben, das zu Ihrer Verlustmeldung passen könnte.

    Fundnummer: { $numbers }

    Bitte melden Sie sich beim { $office } ({ $contact }) und nennen Sie die Fundnummer. Ob die Sache Ihnen gehört, klären wir anhand von Merkmalen, die nur Sie kennen können. Die Fundsachen sehen Sie auch hier: { $link }

    { $authority }
staff-nav-found = Fundbüro
found-staff-title = Fundbüro – { $office }
found-register-title = Fundsache erfassen
found-public-layer = Öffentlich sichtbar
found-public-hint = Diese Angaben erscheinen in der Suche. Keine Namen, Nummern, Adressen oder Kontaktdaten – die Prüfung lehnt sie ab.
found-brand = Marke
found-private-layer = Nur für das Fundbüro
found-private = Private Merkmale
found-private-hint = Was nur die Eigentümerin oder der Eigentümer wissen kann. Jedes ausgefüllte Feld wird zu einer Frage an alle, die die Sache als ihre melden; die Antworten sehen Sie hier im Vergleich. Wird nie veröffentlicht.
found-finder-claims = Die Finderin oder der Finder möchte die Sache nach Ablauf der Frist erhalten.
found-register-submit = Erfassen
found-registered = Erfasst als { $number }. { $matches ->
    [0] Keine passende Verlustmeldung.
    [one] Eine Verlustmeldung könnte passen; die meldende Person wurde benachrichtigt.
   *[other] { $matches } Verlustmeldungen könnten passen; die meldenden Personen wurden benachrichtigt.
  }
found-items-title = Fundsachen dieser Stelle
found-items-none = Noch keine Fundsachen erfasst.
found-never-listed = Wird nicht öffentlich angezeigt – bitte an die ausstellende Stelle weitergeben.
found-keeping-ends = Aufbewahrung bis
found-after-finder = Frist abgelaufen: an die Finderin oder den Finder herausgeben.
found-after-auction = Frist abgelaufen: zur Versteigerung.
found-matches = Verlustmeldungen, die passen könnten (nur ein Hinweis, keine Entscheidung):
found-reward-note = Finderlohn nach § 971 BGB: 5 % des Werts bis 500 €, 3 % des Mehrwerts, bei Tieren 3 %. Nach sechs Monaten ab Anzeige (§ 973 BGB) erhält die Finderin oder der Finder die Sache, wenn sie oder er es wünscht; sonst kann sie versteigert werden.
found-claim-link = Das gehört mir
found-claim-title = Eine Fundsache als meine melden
found-claim-intro = Beschreiben Sie, woran man die Sache als Ihre erkennt. Das Fundbüro vergleicht Ihre Angaben mit den nicht veröffentlichten Merkmalen und meldet sich bei Ihnen. Zur Abholung bringen Sie bitte einen Ausweis mit.
found-claim-features = Woran erkennt man die Sache?
found-claim-features-hint = Das Fundbüro kennt diese Merkmale, veröffentlicht sie aber nicht. Beantworten Sie jede Frage so genau wie möglich.
found-claim-name = Ihr Name
found-claim-consent = Ich bin einverstanden, dass das Fundbüro meine Angaben prüft und mir schreibt.
found-claim-submit = Als meine melden
found-claim-done = Danke. Das Fundbüro vergleicht Ihre Angaben und schreibt Ihnen.
found-error-claim-consent = Bitte bestätigen Sie, dass das Fundbüro Ihre Angaben prüfen und Ihnen schreiben darf.
found-claim-mail-accepted-subject = Fundbüro: Ihre Sache liegt zur Abholung bereit
found-claim-mail-accepted-body = Guten Tag { $name },

    wir konnten Ihre Angaben bestätigen. Sie können die Sache im { $office } ({ $address }) abholen. Bitte bringen Sie einen Ausweis mit.
found-claim-mail-reward = Der Finderin oder dem Finder steht ein Finderlohn von { $reward } zu (§ 971 BGB).
found-claim-mail-rejected-subject = Fundbüro: Ihre Meldung zu einer Fundsache
found-claim-mail-rejected-body = Guten Tag { $name },

    leider passen Ihre Angaben nicht zu der Fundsache. Wenn Sie Fragen haben, wenden Sie sich bitte an das { $office } ({ $address }).
found-claims = Ansprüche
found-claim-says = Angaben der Person
found-value = Wert in Euro (Schätzung)
found-claim-accept = Annehmen und herausgeben
found-claim-reject = Ablehnen
found-reward = Finderlohn: { $amount }
found-claim-accepted = Anspruch angenommen; die Person wurde benachrichtigt.
found-claim-accepted-reward = Anspruch angenommen; die Person wurde benachrichtigt. Finderlohn: { $reward }.
found-claim-rejected = Anspruch abgelehnt; die Person wurde benachrichtigt.
found-error-value = Bitte geben Sie den Wert als Betrag in Euro ein, zum Beispiel 80 oder 80,50.
found-claim-mail-booking = Einen Termin zur Abholung können Sie hier buchen: { $link }
found-status = Stand
found-status-kept = in Aufbewahrung
found-status-returned = an die Eigentümerin oder den Eigentümer zurückgegeben
found-status-to-finder = an die Finderin oder den Finder herausgegeben
found-status-auctioned = zur Versteigerung gegeben
found-settle-finder = An die Finderin oder den Finder herausgeben
found-settle-auction = Zur Versteigerung geben
found-settled-finder = { $number } ist als an die Finderin oder den Finder herausgegeben vermerkt.
found-settled-auction = { $number } ist zur Versteigerung vermerkt.
found-cert-offer = Brauchen Sie eine Bestätigung Ihrer Verlustmeldung, etwa für eine Versicherung oder die Sperrung von Karten? Bitte laden Sie sie gleich herunter: Sie ist nur von dieser Seite aus abrufbar.
found-cert-download = Verlustbescheinigung herunterladen (PDF)
found-cert-title = Verlustbescheinigung
found-cert-intro = Hiermit wird bestätigt, dass der folgende Verlust beim Fundbüro gemeldet wurde.
found-cert-reported = Gemeldet am
found-cert-lost-on = Verloren am
found-cert-lost-at = Verloren in
found-cert-note = Die Angaben beruhen auf der Meldung der verlierenden Person; ihre Richtigkeit wurde nicht geprüft. Wird ein passender Gegenstand abgegeben, benachrichtigt das Fundbüro die meldende Person.
found-cert-footer = { $authority } – Verlustbescheinigung – Seite { $page } von { $pages }
found-claim-status-open = offen
found-claim-status-accepted = angenommen
found-claim-status-rejected = abgelehnt
found-feature-serial = Seriennummer oder andere Nummer
found-feature-contents = Inhalt
found-feature-marks = Besondere Kennzeichen
found-question-serial = Welche Seriennummer oder andere Nummer trägt die Sache?
found-question-serial-hint = Zum Beispiel die Gerätenummer, die Rahmennummer eines Fahrrads oder eine eingravierte Nummer. Wenn Sie sie nicht kennen, schreiben Sie „weiß ich nicht“.
found-question-contents = Was war darin?
found-question-contents-hint = Nennen Sie, was Ihnen einfällt, auch Kleinigkeiten.
found-question-marks = Woran erkennt man die Sache als Ihre?
found-question-marks-hint = Zum Beispiel Aufkleber, Anhänger, Gravuren, Beschädigungen oder Abnutzungsspuren.
found-claim-compare = Angaben von { $name } im Vergleich
found-claim-question = Frage
found-claim-kept = Beim Fundbüro hinterlegt
found-serial-agrees = stimmt überein
found-serial-differs = weicht ab
found-fee = Gebühr: { $amount }
found-claim-accepted-fee = Gebühr für die Herausgabe: { $fee }.
found-claim-mail-fee = Für die Herausgabe berechnen wir eine Gebühr von { $fee }. Sie können sie bei der Abholung bezahlen.
found-fees-title = Gebühren bei der Abholung
found-fees-intro = Für die Herausgabe einer Fundsache an ihre Eigentümerin oder ihren Eigentümer berechnet das Fundbüro eine Gebühr nach dem Wert der Sache. Hinzu kommt gegebenenfalls der Finderlohn.
found-fee-tier-first = Wert bis { $to }: { $fee }
found-fee-tier = Wert über { $from } bis { $to }: { $fee }
found-manage-link = Eine frühere Verlustmeldung ansehen oder zurückziehen
found-photo-category = Ausweise und Bankkarten werden nicht fotografiert; sie gehen an die ausstellende Stelle.
found-fee-tier-above = Wert über { $from }: { $fee }
found-photo-add = Foto zu { $number } hinzufügen
found-photo-upload = Foto hochladen
found-photo-alt = Foto { $n } der Fundsache { $number }
found-photo-added = Das Foto wurde zu { $number } gespeichert. Fotos sieht nur das Fundbüro.
found-photo-none = Bitte wählen Sie ein Foto aus.
found-photo-too-large = Das Foto ist zu groß. Erlaubt sind bis zu { $limit }.
found-photo-type = Bitte laden Sie ein Foto im Format JPEG oder PNG hoch.
found-photo-full = Zu { $number } können keine weiteren Fotos gespeichert werden (höchstens { $max }, und nur solange die Sache aufbewahrt wird).
found-loss-withdraw-offer = Haben Sie die Sache wiedergefunden? Dann können Sie Ihre Verlustmeldung hier zurückziehen; sie wird gelöscht.
found-loss-withdraw = Verlustmeldung zurückziehen
found-loss-withdrawn = Ihre Verlustmeldung ist zurückgezogen und gelöscht.
found-loss-withdraw-gone = Diese Verlustmeldung gibt es nicht (mehr).
found-loss-reference = Meldungsnummer
found-loss-code = Zugangscode
found-loss-keep-code = Bitte notieren Sie Meldungsnummer und Zugangscode: Damit sehen Sie Ihre Meldung später wieder, laden die Verlustbescheinigung herunter oder ziehen die Meldung zurück – auch von einem anderen Gerät.
found-manage-title = Meine Verlustmeldung
found-manage-intro = Geben Sie die Meldungsnummer und den Zugangscode ein, die Sie nach Ihrer Verlustmeldung erhalten haben.
found-manage-reference-hint = Zum Beispiel V-2026-3FA9C2.
found-manage-submit = Meldung anzeigen
found-manage-none = Zu dieser Meldungsnummer und diesem Zugangscode gibt es keine Verlustmeldung. Bitte prüfen Sie Ihre Eingabe.
found-manage-wait = Zu viele falsche Versuche. Bitte versuchen Sie es ab { $time } Uhr noch einmal.
found-manage-standing = Ihre Meldung gilt als Suchauftrag ein Jahr lang. Wird etwas Passendes abgegeben, schreiben wir Ihnen.
found-error-reference = Bitte geben Sie die Meldungsnummer ein.
found-error-code = Bitte geben Sie den Zugangscode ein.
