//! xdomea 3.0.0 (KoSIT, mandated by the IT-Planungsrat) for the e-file: message 0605
//! `FVDaten.SGOAblegen` — a Fachverfahren (here: the portal) files a new Vorgang with the
//! application as PDF/A and every attachment. Packed as the standard prescribes: a ZIP
//! named `<ProzessID>_FVDaten.SGOAblegen.0605.zip` holding the message
//! `<ProzessID>_FVDaten.SGOAblegen.0605.xml` and the primary documents `<UUID>.<ext>`.
//! The schemas the tests validate against are in `schema/xdomea-3.0.0/`.
//!
//! Also here: the plain XML form of an application for file drops.

use super::{drop_name, Failure, Prepared, Source};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use rathaus_domain::delivery::{Application, XdomeaParty, XdomeaTarget};
use std::io::Write;

const NS: &str = "urn:xoev-de:xdomea:schema:3.0.0";
pub const MESSAGE_TYPE: &str = "FVDaten.SGOAblegen.0605";

type W = Writer<Vec<u8>>;

fn err(e: impl std::fmt::Display) -> Failure {
    Failure::Permanent(format!("xdomea: {e}"))
}

/// `s` with every character XML 1.0 does not allow removed (C0 controls other than tab and
/// line breaks, lone surrogates cannot occur in Rust strings, U+FFFE/U+FFFF). Input is
/// checked at the form already; this keeps a message well-formed whatever reaches it.
pub fn xml_chars(s: &str) -> std::borrow::Cow<'_, str> {
    let ok = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if s.chars().all(ok) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().filter(|c| ok(*c)).collect())
    }
}

fn text(w: &mut W, name: &str, value: &str) -> Result<(), Failure> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_chars(value)))
        .map_err(err)?;
    Ok(())
}

/// A code of a code list (`listURI`/`listVersionID` with a `code` child).
fn code(w: &mut W, name: &str, list: Option<(&str, &str)>, value: &str) -> Result<(), Failure> {
    let mut el = w.create_element(name);
    if let Some((uri, version)) = list {
        el = el
            .with_attribute(("listURI", uri))
            .with_attribute(("listVersionID", version));
    }
    el.write_inner_content(|w| {
        w.create_element("code")
            .write_text_content(BytesText::new(&xml_chars(value)))?;
        Ok::<_, std::io::Error>(())
    })
    .map_err(err)?;
    Ok(())
}

fn open(w: &mut W, name: &str) -> Result<(), Failure> {
    w.write_event(Event::Start(quick_xml::events::BytesStart::new(name)))
        .map_err(err)
}

fn close(w: &mut W, name: &str) -> Result<(), Failure> {
    w.write_event(Event::End(quick_xml::events::BytesEnd::new(name)))
        .map_err(err)
}

/// A UUID that is the same for the same input (the process id of a delivery must not
/// change between retries, so a DMS can recognise a repeated message).
pub fn stable_uuid(seed: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(seed.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// Code of the xdomea list "Dateiformat" 1.0 for a file name.
pub fn format_code(file_name: &str, archival_pdf: bool) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" if archival_pdf => "044",
        "pdf" => "018",
        "jpg" => "011",
        "jpeg" => "010",
        "png" => "019",
        "tif" => "023",
        "tiff" => "024",
        "txt" => "045",
        "xml" => "030",
        "odt" => "015",
        "docx" => "035",
        _ => "100",
    }
}

fn party(w: &mut W, name: &str, p: &XdomeaParty, unit: &str) -> Result<(), Failure> {
    open(w, name)?;
    open(w, "xdomea:Behoerdenkennung")?;
    code(w, "xdomea:Behoerdenschluessel", None, &p.code)?;
    close(w, "xdomea:Behoerdenkennung")?;
    open(w, "xdomea:Institution")?;
    text(w, "xdomea:Name", &p.name)?;
    close(w, "xdomea:Institution")?;
    open(w, "xdomea:Organisationseinheit")?;
    text(w, "xdomea:Name", unit)?;
    close(w, "xdomea:Organisationseinheit")?;
    close(w, name)
}

const MEDIUM: (&str, &str) = ("urn:xoev-de:xdomea:codeliste:medium", "1.0");
const FORMAT: (&str, &str) = ("urn:xoev-de:xdomea:codeliste:dateiformat", "1.0");
const DATATYPE: (&str, &str) = ("urn:xoev-de:xdomea:codeliste:datentyp", "1.1");

/// One document of the Vorgang: `(title, type, file name in the ZIP, original name, when)`.
struct Doc<'a> {
    title: String,
    kind: &'a str,
    zip_name: String,
    original: &'a str,
    archival: bool,
}

/// The message 0605 for one application; `process_id` names the message and its ZIP.
pub fn message_0605(
    app: &Application,
    sender: &XdomeaParty,
    recipient: &XdomeaParty,
    process_id: &str,
    application_pdf: &str,
    filing: &str,
) -> Result<Vec<u8>, Failure> {
    let root = format!("xdomea:{MESSAGE_TYPE}");
    let date = app.submitted_at.get(..10).unwrap_or_default();
    let pdf_name = format!("Antrag_{}.pdf", app.reference);
    let mut docs = vec![Doc {
        title: format!("Antrag {}", app.service.name),
        kind: "Antrag",
        zip_name: application_pdf.to_owned(),
        original: &pdf_name,
        archival: true,
    }];
    for f in &app.files {
        docs.push(Doc {
            title: format!("Anlage zum Antrag: {}", f.name),
            kind: "Anlage",
            zip_name: drop_name(f),
            original: &f.name,
            archival: false,
        });
    }
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(err)?;
    let mut start = quick_xml::events::BytesStart::new(root.as_str());
    start.push_attribute(("xmlns:xdomea", NS));
    w.write_event(Event::Start(start)).map_err(err)?;

    open(&mut w, "xdomea:Kopf")?;
    text(&mut w, "xdomea:ProzessID", process_id)?;
    w.create_element("xdomea:Nachrichtentyp")
        .with_attribute(("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp"))
        .with_attribute(("listVersionID", "2.0"))
        .write_inner_content(|w| {
            w.create_element("code")
                .write_text_content(BytesText::new("0605"))?;
            w.create_element("name")
                .write_text_content(BytesText::new("FVDaten.SGOAblegen"))?;
            Ok::<_, std::io::Error>(())
        })
        .map_err(err)?;
    text(&mut w, "xdomea:Erstellungszeitpunkt", &app.sent_at)?;
    party(&mut w, "xdomea:Absender", sender, &app.office.name)?;
    party(&mut w, "xdomea:Empfaenger", recipient, &recipient.name)?;
    open(&mut w, "xdomea:SendendesSystem")?;
    text(&mut w, "xdomea:Produktname", "Rathaus")?;
    text(&mut w, "xdomea:Version", env!("CARGO_PKG_VERSION"))?;
    close(&mut w, "xdomea:SendendesSystem")?;
    text(&mut w, "xdomea:Empfangsbestaetigung", "0")?;
    text(&mut w, "xdomea:Importbestaetigung", "1")?;
    text(&mut w, "xdomea:Erstellerkennung", "rathaus")?;
    text(&mut w, "xdomea:Stapel", "0")?;
    close(&mut w, "xdomea:Kopf")?;

    open(&mut w, "xdomea:SchriftgutobjektZumAblegen")?;
    text(&mut w, "xdomea:FachverfahrenObjektID", &app.reference)?;
    open(&mut w, "xdomea:Schriftgutobjekt")?;
    open(&mut w, "xdomea:Vorgang")?;
    open(&mut w, "xdomea:Identifikation")?;
    text(
        &mut w,
        "xdomea:ID",
        &stable_uuid(&format!("vorgang.{}", app.idempotency_key)),
    )?;
    close(&mut w, "xdomea:Identifikation")?;
    open(&mut w, "xdomea:AllgemeineMetadaten")?;
    text(
        &mut w,
        "xdomea:Betreff",
        &format!("{} – Antrag {}", app.service.name, app.reference),
    )?;
    text(&mut w, "xdomea:Kennzeichen", &app.reference)?;
    text(&mut w, "xdomea:Federfuehrung", &app.office.name)?;
    code(&mut w, "xdomea:Medium", Some(MEDIUM), "001")?;
    close(&mut w, "xdomea:AllgemeineMetadaten")?;
    text(&mut w, "xdomea:Typ", &app.service.name)?;
    open(&mut w, "xdomea:Laufzeit")?;
    text(&mut w, "xdomea:Beginn", date)?;
    close(&mut w, "xdomea:Laufzeit")?;
    for (i, d) in docs.iter().enumerate() {
        open(&mut w, "xdomea:Dokument")?;
        open(&mut w, "xdomea:Identifikation")?;
        text(
            &mut w,
            "xdomea:ID",
            &stable_uuid(&format!("dokument.{}.{}", app.idempotency_key, d.zip_name)),
        )?;
        text(
            &mut w,
            "xdomea:NummerImUebergeordnetenContainer",
            &(i + 1).to_string(),
        )?;
        close(&mut w, "xdomea:Identifikation")?;
        open(&mut w, "xdomea:AllgemeineMetadaten")?;
        text(&mut w, "xdomea:Betreff", &d.title)?;
        code(&mut w, "xdomea:Medium", Some(MEDIUM), "001")?;
        close(&mut w, "xdomea:AllgemeineMetadaten")?;
        text(&mut w, "xdomea:FremdesGeschaeftszeichen", &app.reference)?;
        text(&mut w, "xdomea:Posteingangsdatum", date)?;
        text(&mut w, "xdomea:Typ", d.kind)?;
        open(&mut w, "xdomea:Version")?;
        text(&mut w, "xdomea:Nummer", "1")?;
        open(&mut w, "xdomea:Format")?;
        code(
            &mut w,
            "xdomea:Name",
            Some(FORMAT),
            format_code(&d.zip_name, d.archival),
        )?;
        text(
            &mut w,
            "xdomea:Version",
            if d.archival { "PDF/A-1b" } else { "" },
        )?;
        open(&mut w, "xdomea:Primaerdokument")?;
        text(&mut w, "xdomea:Dateiname", &d.zip_name)?;
        text(&mut w, "xdomea:DateinameOriginal", d.original)?;
        text(&mut w, "xdomea:DatumUhrzeit", &app.submitted_at)?;
        close(&mut w, "xdomea:Primaerdokument")?;
        close(&mut w, "xdomea:Format")?;
        close(&mut w, "xdomea:Version")?;
        close(&mut w, "xdomea:Dokument")?;
    }
    open(&mut w, "xdomea:AnwendungsspezifischeErweiterung")?;
    text(&mut w, "xdomea:Kennung", "rathaus-antrag")?;
    text(&mut w, "xdomea:Name", "Antragsdaten des Serviceportals")?;
    let mut fields = vec![
        ("Antragsnummer", "038", app.reference.clone()),
        ("Leistung", "038", app.service.name.clone()),
        ("Eingangszeitpunkt", "006", app.submitted_at.clone()),
        ("Status", "038", app.status.clone()),
    ];
    if let Some(leika) = &app.service.leika {
        fields.push(("LeiKa-Schluessel", "038", leika.clone()));
    }
    if let Some(d) = &app.decision {
        fields.push(("Entscheidung", "038", d.outcome.clone()));
    }
    for (name, datatype, value) in fields {
        open(&mut w, "xdomea:Feld")?;
        text(&mut w, "xdomea:Name", name)?;
        code(&mut w, "xdomea:Datentyp", Some(DATATYPE), datatype)?;
        text(&mut w, "xdomea:Wert", &value)?;
        close(&mut w, "xdomea:Feld")?;
    }
    close(&mut w, "xdomea:AnwendungsspezifischeErweiterung")?;
    close(&mut w, "xdomea:Vorgang")?;
    close(&mut w, "xdomea:Schriftgutobjekt")?;
    text(&mut w, "xdomea:Ablageort", filing)?;
    close(&mut w, "xdomea:SchriftgutobjektZumAblegen")?;
    close(&mut w, &root)?;
    Ok(w.into_inner())
}

/// Builds the ZIP (name, bytes) of a delivery.
pub async fn package(
    source: &dyn Source,
    t: &XdomeaTarget,
    p: &Prepared,
) -> Result<(String, Vec<u8>), Failure> {
    let app = &p.app;
    let process_id = stable_uuid(&format!("prozess.{}", app.idempotency_key));
    let pdf_name = format!(
        "{}.pdf",
        stable_uuid(&format!("antrag.{}", app.idempotency_key))
    );
    let sender = t.sender.clone().unwrap_or_else(|| XdomeaParty {
        code: app.tenant.id.clone(),
        name: app.tenant.name.clone(),
    });
    let filing = t.filing.as_deref().unwrap_or(&app.office.name);
    let xml = message_0605(app, &sender, &t.recipient, &process_id, &pdf_name, filing)?;
    let pdf = source
        .application_pdf(&app.tenant.id, &app.reference)
        .await?;
    let mut entries = vec![
        (format!("{process_id}_{MESSAGE_TYPE}.xml"), xml),
        (pdf_name, pdf),
    ];
    for (f, key) in app.files.iter().zip(&p.stored) {
        entries.push((drop_name(f), source.read_file(key).await?));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(name, options).map_err(err)?;
        zip.write_all(&bytes).map_err(err)?;
    }
    let bytes = zip.finish().map_err(err)?.into_inner();
    Ok((format!("{process_id}_{MESSAGE_TYPE}.zip"), bytes))
}

/// Writes the ZIP into the e-file's import folder (via a temporary name, so the DMS never
/// picks up half a file). An existing ZIP of the same delivery means it was written before.
pub async fn send(source: &dyn Source, t: &XdomeaTarget, p: &Prepared) -> Result<String, Failure> {
    let (name, bytes) = package(source, t, p).await?;
    let dir = super::folder(source, &t.dir);
    let io = |e: std::io::Error| Failure::Transient(format!("writing to {}: {e}", dir.display()));
    let path = dir.join(&name);
    if tokio::fs::try_exists(&path).await.map_err(io)? {
        return Ok(format!("already in {}", path.display()));
    }
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
    let tmp = dir.join(format!(".{name}.{}.part", uuid::Uuid::new_v4().simple()));
    tokio::fs::write(&tmp, &bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, &path).await.map_err(io)?;
    Ok(format!("written to {}", path.display()))
}

/// The application as plain XML (file drops in XML): the same content as the JSON form,
/// answers as nested `<wert name="…">` elements.
pub fn application_xml(app: &Application) -> Result<Vec<u8>, Failure> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(err)?;
    let mut start = quick_xml::events::BytesStart::new("antrag");
    start.push_attribute(("xmlns", app.format.as_str()));
    start.push_attribute(("referenz", app.reference.as_str()));
    start.push_attribute(("ereignis", app.event.key()));
    w.write_event(Event::Start(start)).map_err(err)?;
    text(&mut w, "idempotenzschluessel", &app.idempotency_key)?;
    text(&mut w, "gesendet", &app.sent_at)?;
    text(&mut w, "eingegangen", &app.submitted_at)?;
    text(&mut w, "status", &app.status)?;
    if let Some(d) = &app.decision {
        text(&mut w, "entscheidung", &d.outcome)?;
    }
    for (el, n) in [("behoerde", &app.tenant), ("amt", &app.office)] {
        w.create_element(el)
            .with_attribute(("id", n.id.as_str()))
            .write_text_content(BytesText::new(&xml_chars(&n.name)))
            .map_err(err)?;
    }
    let mut svc = quick_xml::events::BytesStart::new("leistung");
    svc.push_attribute(("id", app.service.id.as_str()));
    svc.push_attribute(("version", app.service.version.to_string().as_str()));
    if let Some(l) = &app.service.leika {
        svc.push_attribute(("leika", l.as_str()));
    }
    w.write_event(Event::Start(svc)).map_err(err)?;
    w.write_event(Event::Text(BytesText::new(&xml_chars(&app.service.name))))
        .map_err(err)?;
    close(&mut w, "leistung")?;
    open(&mut w, "antworten")?;
    if let Some(map) = app.answers.as_object() {
        for (k, v) in map {
            value(&mut w, Some(k), v)?;
        }
    }
    close(&mut w, "antworten")?;
    open(&mut w, "berechnet")?;
    for (k, v) in &app.computed {
        value(&mut w, Some(k), v)?;
    }
    close(&mut w, "berechnet")?;
    open(&mut w, "dateien")?;
    for f in &app.files {
        let mut el = quick_xml::events::BytesStart::new("datei");
        el.push_attribute(("id", f.id.as_str()));
        el.push_attribute(("feld", f.field.as_str()));
        el.push_attribute(("name", xml_chars(&f.name).as_ref()));
        el.push_attribute(("typ", f.media_type.as_str()));
        el.push_attribute(("groesse", f.size.to_string().as_str()));
        el.push_attribute(("sha256", f.sha256.as_str()));
        el.push_attribute(("pfad", format!("dateien/{}", drop_name(f)).as_str()));
        w.write_event(Event::Empty(el)).map_err(err)?;
    }
    close(&mut w, "dateien")?;
    close(&mut w, "antrag")?;
    Ok(w.into_inner())
}

fn value(w: &mut W, name: Option<&str>, v: &serde_json::Value) -> Result<(), Failure> {
    let mut el = quick_xml::events::BytesStart::new("wert");
    if let Some(n) = name {
        el.push_attribute(("name", n));
    }
    match v {
        serde_json::Value::Null => {
            w.write_event(Event::Empty(el)).map_err(err)?;
        }
        serde_json::Value::Array(items) => {
            w.write_event(Event::Start(el)).map_err(err)?;
            for item in items {
                value(w, None, item)?;
            }
            close(w, "wert")?;
        }
        serde_json::Value::Object(map) => {
            w.write_event(Event::Start(el)).map_err(err)?;
            for (k, item) in map {
                value(w, Some(k), item)?;
            }
            close(w, "wert")?;
        }
        other => {
            let s = match other {
                serde_json::Value::String(s) => s.clone(),
                x => x.to_string(),
            };
            w.write_event(Event::Start(el)).map_err(err)?;
            w.write_event(Event::Text(BytesText::new(&xml_chars(&s))))
                .map_err(err)?;
            close(w, "wert")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_xml() {
        assert_eq!(xml_chars("Erika"), "Erika");
        assert_eq!(xml_chars("a\u{0}b\u{1}c\u{ffff}"), "abc");
        assert_eq!(xml_chars("Zeile 1\nZeile 2\tx"), "Zeile 1\nZeile 2\tx");
        let app: Application = serde_json::from_value(serde_json::json!({
            "format": "https://rathaus.invalid/antrag/1", "idempotency_key": "k", "event": "received",
            "sent_at": "2026-01-01T00:00:00Z", "tenant": {"id": "t", "name": "T\u{1}"},
            "office": {"id": "o", "name": "O"},
            "service": {"id": "s", "name": "S", "version": 1, "leika": null},
            "reference": "T-2026-000001", "submitted_at": "2026-01-01T00:00:00Z", "status": "received",
            "decision": null, "answers": {"name": "Eri\u{0}ka"}, "computed": {}, "files": []
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let xml = application_xml(&app).unwrap_or_else(|_| panic!("xml"));
        let text = String::from_utf8(xml).unwrap_or_default();
        assert!(text.contains(">Erika<") && !text.contains('\u{0}') && !text.contains('\u{1}'));
    }
}
