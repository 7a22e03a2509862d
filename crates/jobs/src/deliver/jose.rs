//! The two JOSE operations FIT-Connect needs from a sender: compact JWE encryption with
//! `RSA-OAEP-256` + `A256GCM` for the destination's public key (RFC 7516, RFC 7518 §4.3 and
//! §5.3), and verification of `PS512`-signed Security Event Tokens (RFC 7515, RFC 8417).
//!
//! The primitives come from RustCrypto (`rsa`, `aes-gcm`, `sha2`); this module only
//! assembles the compact serialisations. It is tested against an independent
//! implementation (panva's `jose` for Node.js in `tests/receiver`), which decrypts what
//! this module encrypts and signs what it verifies.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rand::RngCore;
use rsa::signature::Verifier;
use rsa::{BigUint, Oaep, RsaPublicKey};
use serde::Deserialize;

/// A public RSA key as JWK (the members we need).
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub key_ops: Vec<String>,
    pub n: String,
    pub e: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoseError {
    #[error("key: {0}")]
    Key(String),
    #[error("encryption failed")]
    Encrypt,
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    #[error("signature invalid")]
    Signature,
}

impl Jwk {
    pub fn public_key(&self) -> Result<RsaPublicKey, JoseError> {
        if self.kty != "RSA" {
            return Err(JoseError::Key(format!("kty {} is not RSA", self.kty)));
        }
        let n = B64
            .decode(&self.n)
            .map_err(|_| JoseError::Key("n is not base64url".into()))?;
        let e = B64
            .decode(&self.e)
            .map_err(|_| JoseError::Key("e is not base64url".into()))?;
        RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e))
            .map_err(|e| JoseError::Key(e.to_string()))
    }
}

/// A compact JWE and its authentication tag (base64url, as FIT-Connect's
/// accept-submission event quotes it).
#[derive(Debug, Clone)]
pub struct Jwe {
    pub compact: String,
    pub tag: String,
}

/// Encrypts `plaintext` for `key` (RSA-OAEP-256 key wrap, A256GCM content encryption);
/// `cty` names the plaintext's media type.
pub fn encrypt(key: &Jwk, cty: &str, plaintext: &[u8]) -> Result<Jwe, JoseError> {
    if let Some(alg) = &key.alg {
        if alg != "RSA-OAEP-256" {
            return Err(JoseError::Key(format!(
                "key algorithm {alg}, expected RSA-OAEP-256"
            )));
        }
    }
    if !key.key_ops.is_empty() && !key.key_ops.iter().any(|o| o == "wrapKey") {
        return Err(JoseError::Key("key is not for wrapKey".into()));
    }
    let public = key.public_key()?;
    let mut header = serde_json::json!({ "alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": cty });
    if let Some(kid) = &key.kid {
        header["kid"] = serde_json::Value::String(kid.clone());
    }
    let header = B64.encode(serde_json::to_vec(&header).map_err(|_| JoseError::Encrypt)?);
    let mut cek = [0u8; 32];
    let mut iv = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut cek);
    rand::rngs::OsRng.fill_bytes(&mut iv);
    let wrapped = public
        .encrypt(&mut rand::rngs::OsRng, Oaep::new::<sha2::Sha256>(), &cek)
        .map_err(|_| JoseError::Encrypt)?;
    let cipher = Aes256Gcm::new_from_slice(&cek).map_err(|_| JoseError::Encrypt)?;
    let mut sealed = cipher
        .encrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: plaintext,
                aad: header.as_bytes(),
            },
        )
        .map_err(|_| JoseError::Encrypt)?;
    let tag = sealed.split_off(sealed.len() - 16);
    let tag = B64.encode(tag);
    Ok(Jwe {
        compact: format!(
            "{header}.{}.{}.{}.{tag}",
            B64.encode(wrapped),
            B64.encode(iv),
            B64.encode(&sealed)
        ),
        tag,
    })
}

/// The protected header of a compact JWS, unverified (to find the key by `kid`).
pub fn jws_header(compact: &str) -> Result<serde_json::Value, JoseError> {
    let h = compact
        .split('.')
        .next()
        .ok_or(JoseError::Malformed("empty"))?;
    let bytes = B64
        .decode(h)
        .map_err(|_| JoseError::Malformed("header is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| JoseError::Malformed("header is not JSON"))
}

/// Verifies a compact JWS signed with PS512 by `key` and returns its claims.
pub fn verify_ps512(compact: &str, key: &Jwk) -> Result<serde_json::Value, JoseError> {
    let parts: Vec<&str> = compact.split('.').collect();
    let [h, p, s] = parts[..] else {
        return Err(JoseError::Malformed("a JWS has three parts"));
    };
    let header = jws_header(compact)?;
    if header["alg"] != "PS512" {
        return Err(JoseError::Malformed("alg is not PS512"));
    }
    let sig = B64
        .decode(s)
        .map_err(|_| JoseError::Malformed("signature is not base64url"))?;
    let verifier = rsa::pss::VerifyingKey::<sha2::Sha512>::new(key.public_key()?);
    let sig = rsa::pss::Signature::try_from(sig.as_slice()).map_err(|_| JoseError::Signature)?;
    verifier
        .verify(format!("{h}.{p}").as_bytes(), &sig)
        .map_err(|_| JoseError::Signature)?;
    let claims = B64
        .decode(p)
        .map_err(|_| JoseError::Malformed("payload is not base64url"))?;
    serde_json::from_slice(&claims).map_err(|_| JoseError::Malformed("payload is not JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::traits::PublicKeyParts;
    use rsa::RsaPrivateKey;

    fn keypair() -> (RsaPrivateKey, Jwk) {
        let private =
            RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap_or_else(|e| panic!("{e}"));
        let public = private.to_public_key();
        let jwk = Jwk {
            kty: "RSA".into(),
            kid: Some("k1".into()),
            alg: Some("RSA-OAEP-256".into()),
            key_ops: vec!["wrapKey".into()],
            n: B64.encode(public.n().to_bytes_be()),
            e: B64.encode(public.e().to_bytes_be()),
        };
        (private, jwk)
    }

    #[test]
    fn encrypt_round_trips_with_the_private_key() {
        let (private, jwk) = keypair();
        let jwe = encrypt(&jwk, "application/json", b"{\"a\":1}").unwrap_or_else(|e| panic!("{e}"));
        let parts: Vec<&str> = jwe.compact.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[4], jwe.tag);
        let header: serde_json::Value =
            serde_json::from_slice(&B64.decode(parts[0]).unwrap_or_default()).unwrap_or_default();
        assert_eq!(header["alg"], "RSA-OAEP-256");
        assert_eq!(header["enc"], "A256GCM");
        assert_eq!(header["kid"], "k1");
        let cek = private
            .decrypt(
                Oaep::new::<sha2::Sha256>(),
                &B64.decode(parts[1]).unwrap_or_default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let cipher = Aes256Gcm::new_from_slice(&cek).unwrap_or_else(|e| panic!("{e}"));
        let mut sealed = B64.decode(parts[3]).unwrap_or_default();
        sealed.extend(B64.decode(parts[4]).unwrap_or_default());
        let iv = B64.decode(parts[2]).unwrap_or_default();
        let plain = cipher
            .decrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: &sealed,
                    aad: parts[0].as_bytes(),
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain, b"{\"a\":1}");
    }

    #[test]
    fn refuses_keys_for_other_uses() {
        let (_, mut jwk) = keypair();
        jwk.key_ops = vec!["verify".into()];
        assert!(encrypt(&jwk, "application/json", b"x").is_err());
    }

    #[test]
    fn verifies_ps512_and_rejects_tampering() {
        use rsa::signature::{RandomizedSigner, SignatureEncoding};
        let (private, jwk) = keypair();
        let signer = rsa::pss::BlindedSigningKey::<sha2::Sha512>::new(private);
        let h = B64.encode(br#"{"alg":"PS512","typ":"secevent+jwt","kid":"k1"}"#);
        let p = B64.encode(br#"{"sub":"submission:1"}"#);
        let sig = signer.sign_with_rng(&mut rand::rngs::OsRng, format!("{h}.{p}").as_bytes());
        let token = format!("{h}.{p}.{}", B64.encode(sig.to_bytes()));
        let claims = verify_ps512(&token, &jwk).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(claims["sub"], "submission:1");
        let forged = format!(
            "{h}.{}.{}",
            B64.encode(br#"{"sub":"submission:2"}"#),
            token.rsplit('.').next().unwrap_or("")
        );
        assert_eq!(verify_ps512(&forged, &jwk), Err(JoseError::Signature));
    }
}
