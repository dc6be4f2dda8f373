//! Characters no database keeps, refused at the door. PostgreSQL refuses NUL in
//! text and in JSON (`\u0000`), so a NUL anywhere in a request once reached the
//! database and answered 500 there (SQLite kept it). Every request's URL (path and
//! query, percent-decoded) and every JSON body is checked here, before any
//! extractor, so both databases answer the same 400 and no handler has to know.

use actix_web::{
    Error, HttpMessage,
    body::{EitherBody, MessageBody},
    dev::{Payload, ServiceRequest, ServiceResponse},
    middleware::Next,
    web::BytesMut,
};
use futures_util::StreamExt;
use oko_domain::error_code::ErrorCode;

use crate::error::ApiError;

/// Largest JSON body any endpoint accepts; file uploads have their own limits. A
/// block of a few thousand rows pasted from Excel is one autosave batch of a few MiB.
pub const JSON_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Refuses a request whose URL or JSON body holds a NUL character.
pub async fn refuse_nul(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if has_encoded_nul(req.uri().path()) || req.uri().query().is_some_and(has_encoded_nul) {
        return Ok(req
            .error_response(ApiError::nul_in_url())
            .map_into_right_body());
    }
    if is_json(&req) {
        let mut payload = req.take_payload();
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > JSON_BODY_LIMIT {
                return Ok(req
                    .error_response(ApiError::body_too_large(JSON_BODY_LIMIT))
                    .map_into_right_body());
            }
            body.extend_from_slice(&chunk);
        }
        if has_escaped_nul(&body) {
            let error = ApiError::new(
                ErrorCode::MalformedBody,
                "Тело запроса содержит недопустимый символ NUL (\\u0000): уберите его",
            );
            return Ok(req.error_response(error).map_into_right_body());
        }
        req.set_payload(Payload::from(body.freeze()));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// A JSON body, by its media type (`application/json`, `…+json`).
fn is_json(req: &ServiceRequest) -> bool {
    let media = req.content_type().to_ascii_lowercase();
    media == "application/json" || media.ends_with("+json")
}

/// `%00` in a percent-encoded URL part (a raw NUL never gets past the HTTP parser).
fn has_encoded_nul(part: &str) -> bool {
    part.as_bytes().windows(3).any(|w| w == b"%00")
}

/// `\u0000` as a JSON escape: the `u0000` preceded by an odd run of backslashes
/// (`\\u0000` is a backslash and the text «u0000»). JSON cannot hold a raw NUL.
fn has_escaped_nul(body: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = body[from..].windows(5).position(|w| w == b"u0000") {
        let at = from + at;
        let slashes = body[..at].iter().rev().take_while(|&&b| b == b'\\').count();
        if slashes % 2 == 1 {
            return true;
        }
        from = at + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nul_escapes_only() {
        assert!(has_escaped_nul(br#"{"login":"a\u0000b"}"#));
        assert!(has_escaped_nul(br#"{"a":"\\\u0000"}"#));
        assert!(
            !has_escaped_nul(br#"{"a":"\\u0000"}"#),
            "an escaped backslash"
        );
        assert!(!has_escaped_nul(br#"{"a":"u0000"}"#));
        assert!(has_encoded_nul("/api/orgs/a%00b"));
        assert!(!has_encoded_nul("/api/orgs?search=%D0%B0100"));
    }
}
