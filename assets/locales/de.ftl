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
