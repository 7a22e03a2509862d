//! Hashes, random tokens and the codes citizens hold.
//!
//! Tokens (session cookies, appointment keys) are 256 random bits from the operating
//! system; the database keeps only their SHA-256. The codes a guest holds — the resume
//! code of a draft and the access code of a submitted application — are derived from the
//! draft id with the portal's secret key (HMAC-SHA-256), so the browser that owns the
//! draft can be shown them again at any time (also after a lost answer), while the
//! database compares only hashes and the code alone opens nothing without its link or
//! reference.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use web_push_native::jwt_simple::algorithms::ES256KeyPair;

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// SHA-256 of text or bytes, as hex.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex(&Sha256::digest(data.as_ref()))
}

/// 32 random bytes from the operating system.
pub fn random_bytes() -> [u8; 32] {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b
}

/// A random token of 256 bits, as 64 hex characters.
pub fn random_token() -> String {
    hex(&random_bytes())
}

/// Compares SHA-256 digests in constant time, so neither content nor length leaks.
pub fn token_matches(given: &str, expected: &str) -> bool {
    Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(expected.as_bytes()))
        .into()
}

/// The 32 characters of codes: no 0/O and 1/I, so nothing is misread.
pub const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A code as compared: capitals, no separators or spaces. Letters outside the alphabet (O, I)
/// are kept, so a mistyped code simply does not match.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `n` characters from the alphabet, 5 bits each, from the first bytes of `bytes`
/// (at most 12 characters: 60 bits of a 64-bit word).
fn code_from(bytes: &[u8], n: usize) -> String {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    let v = u64::from_be_bytes(word);
    (0..n.min(12))
        .map(|i| CODE_ALPHABET[((v >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// A VAPID key derived from the portal key, where the stored one cannot be used.
fn derived_vapid(codes: &[u8; 32]) -> Vec<u8> {
    let mut seed = Sha256::new();
    seed.update(codes);
    seed.update(b"vapid");
    let bytes = seed.finalize().to_vec();
    match ES256KeyPair::from_bytes(&bytes) {
        Ok(k) => k.to_bytes(),
        Err(_) => ES256KeyPair::generate().to_bytes(),
    }
}

fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The portal's secret key (see the module). It lives in the database (`portal_keys`),
/// created once by the first instance; rotating it invalidates every code shown so far.
#[derive(Clone)]
pub struct Keys {
    codes: [u8; 32],
    /// The VAPID key of Web Push (RFC 8292): P-256, its 32-byte secret.
    vapid: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// Loads the key, creating it on first use.
    pub async fn load(db: &rathaus_store::Db) -> Result<Keys, rathaus_store::StoreError> {
        let stored = db.portal_key("codes", &random_token()).await?;
        let mut codes = [0u8; 32];
        match hex::decode(&stored) {
            Ok(b) if b.len() == 32 => codes.copy_from_slice(&b),
            // A key that is not ours cannot be used; hashing it keeps it deterministic.
            _ => codes.copy_from_slice(&Sha256::digest(stored.as_bytes())),
        }
        let new_vapid = hex(&ES256KeyPair::generate().to_bytes());
        let vapid = hex::decode(db.portal_key("vapid", &new_vapid).await?)
            .ok()
            .filter(|b| ES256KeyPair::from_bytes(b).is_ok())
            .unwrap_or_else(|| derived_vapid(&codes));
        Ok(Keys { codes, vapid })
    }

    /// A key for tests.
    pub fn fixed(codes: [u8; 32]) -> Keys {
        Keys {
            vapid: derived_vapid(&codes),
            codes,
        }
    }

    /// The VAPID private key (for the outbox worker).
    pub fn vapid_secret(&self) -> &[u8] {
        &self.vapid
    }

    /// The VAPID public key as apps pass it to `pushManager.subscribe`
    /// (`applicationServerKey`): the uncompressed P-256 point, base64url.
    pub fn vapid_public(&self) -> String {
        use base64::Engine;
        use web_push_native::jwt_simple::algorithms::ECDSAP256PublicKeyLike;
        ES256KeyPair::from_bytes(&self.vapid)
            .map(|k| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(k.public_key().public_key().to_bytes_uncompressed())
            })
            .unwrap_or_default()
    }

    fn mac(&self, purpose: &str, subject: &str) -> [u8; 32] {
        // A 32-byte key always fits HMAC-SHA-256.
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.codes)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(subject.as_bytes());
        m.finalize().into_bytes().into()
    }

    /// The resume code of a guest's draft: 8 characters (40 bits), `ABCD-EFGH`.
    pub fn resume_code(&self, draft_id: &str) -> String {
        grouped(&code_from(&self.mac("resume", draft_id), 8))
    }

    /// The access code of a guest's application: 12 characters (60 bits), `ABCD-EFGH-JKMN`.
    pub fn access_code(&self, draft_id: &str) -> String {
        grouped(&code_from(&self.mac("access", draft_id), 12))
    }

    /// Whether `typed` is the resume code of `draft_id` (constant time).
    pub fn resume_code_fits(&self, draft_id: &str, typed: &str) -> bool {
        token_matches(
            &normalize_code(typed),
            &normalize_code(&self.resume_code(draft_id)),
        )
    }

    /// The keyed hash under which a document's status is filed (`tenant`, normalised
    /// number, birth date): the database holds neither the number nor the birth date, and
    /// without the portal's key the hash cannot be searched by trying numbers.
    pub fn id_document_key(&self, tenant: &str, number: &str, birth_date: &str) -> String {
        hex(&self.mac("id-document", &format!("{tenant}\0{number}\0{birth_date}")))
    }

    /// The keyed hash of a number alone: the count of wrong tries of that number.
    pub fn id_number_key(&self, tenant: &str, number: &str) -> String {
        hex(&self.mac("id-number", &format!("{tenant}\0{number}"))[..16])
    }

    /// The token with which the browser that filed loss report `id` may download its
    /// certificate (sent in a form post, never in a URL).
    pub fn loss_certificate_token(&self, id: &str) -> String {
        hex(&self.mac("loss-certificate", id)[..16])
    }

    /// Whether `given` is that token (constant time).
    pub fn loss_certificate_fits(&self, id: &str, given: &str) -> bool {
        token_matches(given, &self.loss_certificate_token(id))
    }

    /// The access code of loss report `id`: 12 characters (60 bits), `ABCD-EFGH-JKMN`,
    /// typed with the report's reference to see or withdraw it later.
    pub fn loss_code(&self, id: &str) -> String {
        grouped(&code_from(&self.mac("loss-code", id), 12))
    }

    /// Whether `typed` is that code (constant time; spaces, dashes and case ignored).
    pub fn loss_code_fits(&self, id: &str, typed: &str) -> bool {
        token_matches(&normalize_code(typed), &normalize_code(&self.loss_code(id)))
    }

    /// The token a guest's browser holds for moving folder `id` (in a cookie).
    pub fn folder_token(&self, id: &str) -> String {
        hex(&self.mac("folder-token", id)[..16])
    }

    /// Whether `given` is that token (constant time).
    pub fn folder_token_fits(&self, id: &str, given: &str) -> bool {
        token_matches(given, &self.folder_token(id))
    }

    /// The access code of moving folder `id` (12 characters), typed with its reference to
    /// open it in another browser.
    pub fn folder_code(&self, id: &str) -> String {
        grouped(&code_from(&self.mac("folder-code", id), 12))
    }

    /// Whether `typed` is that code (constant time; spaces, dashes and case ignored).
    pub fn folder_code_fits(&self, id: &str, typed: &str) -> bool {
        token_matches(
            &normalize_code(typed),
            &normalize_code(&self.folder_code(id)),
        )
    }

    /// The CSRF token for a browser: bound to its CSRF cookie and to the sessions it holds
    /// (`binding`), so a token of one session never works for another.
    pub fn csrf_token(&self, binding: &str) -> String {
        hex(&self.mac("csrf", binding)[..16])
    }
}

/// A reference of the form `P-2026-3FA9C2` (`prefix`, year, six hexadecimal digits) as
/// typed, in its stored form: letters and digits only, case ignored, the letter O read as
/// 0 in the hexadecimal part.
pub fn typed_reference(prefix: char, s: &str) -> String {
    let plain: String = s
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(20)
        .collect();
    match plain.strip_prefix(prefix) {
        Some(rest) if rest.len() > 4 && rest[..4].chars().all(|c| c.is_ascii_digit()) => {
            format!("{prefix}-{}-{}", &rest[..4], rest[4..].replace('O', "0"))
        }
        _ => plain,
    }
}

/// A new reference `P-2026-3FA9C2` (six random hexadecimal digits; the caller retries on a
/// conflict).
pub fn new_reference(prefix: char) -> String {
    format!(
        "{prefix}-{}-{}",
        crate::clock::today_date().year(),
        &random_token()[..6].to_uppercase()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_have_their_shape_and_are_stable() {
        let k = Keys::fixed([7; 32]);
        let r = k.resume_code("draft-1");
        assert_eq!(r.len(), 9);
        assert_eq!(
            r,
            k.resume_code("draft-1"),
            "the owner can be shown it again"
        );
        assert_ne!(r, k.resume_code("draft-2"));
        assert_ne!(r, Keys::fixed([8; 32]).resume_code("draft-1"));
        let a = k.access_code("draft-1");
        assert_eq!(a.len(), 14);
        assert_eq!(normalize_code(&a).len(), 12);
        assert!(normalize_code(&a)
            .bytes()
            .all(|b| CODE_ALPHABET.contains(&b)));
        assert!(k.resume_code_fits("draft-1", &r.to_lowercase().replace('-', " ")));
        assert!(!k.resume_code_fits("draft-2", &r));
        assert_eq!(k.csrf_token("a").len(), 32);
        assert_ne!(k.csrf_token("a"), k.csrf_token("b"));
        assert_eq!(random_token().len(), 64);
        assert_ne!(random_token(), random_token());
    }

    #[test]
    fn tokens() {
        assert!(token_matches("s3cret", "s3cret"));
        assert!(!token_matches("s3cre", "s3cret"));
        assert!(!token_matches("", "s3cret"));
    }

    proptest! {
        /// Every one of the 60 bits reaches the code: codes of different 60-bit values differ.
        #[test]
        fn all_sixty_bits_count(a in any::<u64>(), b in any::<u64>()) {
            let mask = (1u64 << 60) - 1;
            prop_assume!(a & mask != b & mask);
            prop_assert_ne!(code_from(&a.to_be_bytes(), 12), code_from(&b.to_be_bytes(), 12));
        }
    }
}
