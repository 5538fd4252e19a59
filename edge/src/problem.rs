//! Errors become HTTP responses here, and only here: a status code and an RFC 9457
//! `application/problem+json` body whose `detail` is a sentence for a person.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use domain::{dto::RejectReason, operations::Failure, Error};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

pub fn status_of_rejection(reason: RejectReason) -> StatusCode {
    match reason {
        RejectReason::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        RejectReason::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        RejectReason::Empty | RejectReason::Interrupted => StatusCode::BAD_REQUEST,
    }
}

pub fn status_of(error: &Error) -> StatusCode {
    if let Some(reason) = error.rejection() {
        return status_of_rejection(reason);
    }
    match error {
        Error::NotFound(_) => StatusCode::NOT_FOUND,
        Error::BadRequest(_) => StatusCode::BAD_REQUEST,
        Error::Unauthenticated | Error::InvalidCredentials | Error::InvalidToken => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) | Error::AccountDisabled | Error::Link(_) | Error::WrongPassword => StatusCode::FORBIDDEN,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::OverQuota(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::Gone(_) => StatusCode::GONE,
        Error::Locked(_) => StatusCode::LOCKED,
        Error::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
        // The tus checksum extension's own status.
        Error::ChecksumMismatch => StatusCode::from_u16(460).expect("460 is a valid status"),
        Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Queue(_) | Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The status of a failure an operation declares (the same as `status_of` gives the errors of
/// that kind).
pub fn status_of_failure(failure: Failure) -> StatusCode {
    match failure {
        Failure::Invalid => StatusCode::BAD_REQUEST,
        Failure::NotFound => StatusCode::NOT_FOUND,
        Failure::Conflict => StatusCode::CONFLICT,
        Failure::Gone => StatusCode::GONE,
        Failure::Locked => StatusCode::LOCKED,
        Failure::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The message a client sees: the error itself, except for server faults, whose details go to
/// the log only.
pub fn public_message(error: &Error) -> String {
    if status_of(error).is_server_error() && !matches!(error, Error::Unavailable(_)) {
        tracing::error!(error = %error, "request failed");
        "internal error; the details are in the server log".to_owned()
    } else {
        error.to_string()
    }
}

/// One field of the input that could not be read (422).
#[derive(Clone, Debug, Serialize)]
pub struct FieldError {
    /// Where in the input, as a dotted path (`assets[2]`); empty for the input as a whole.
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip)]
    retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            // No problem types of our own: the status says what kind it is (RFC 9457 §4.2.1).
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// The input could not be read as the operation's input.
    pub fn unreadable(field: String, message: String) -> Self {
        let detail = if field.is_empty() { message.clone() } else { format!("{field}: {message}") };
        Problem {
            errors: vec![FieldError { field, message }],
            ..Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
        }
    }
}

impl From<&Error> for Problem {
    fn from(error: &Error) -> Self {
        let mut problem = Problem::new(status_of(error), public_message(error));
        if let Error::RateLimited { retry_after } = error {
            problem.retry_after = Some(retry_after.as_secs().max(1));
        }
        problem
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).expect("a problem serializes");
        let mut response =
            (status, [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"dam\""));
        }
        response
    }
}

/// A domain error on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Problem::from(&self.0).into_response()
    }
}
