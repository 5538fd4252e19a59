//! Domain errors become HTTP responses here, and only here: a status code and a JSON body
//! `{"error": "<message for a person>"}`.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use domain::{dto::RejectReason, Error};

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
        let status = status_of(&self.0);
        let mut response = (status, Json(serde_json::json!({ "error": public_message(&self.0) }))).into_response();
        if let Error::RateLimited { retry_after } = &self.0 {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"dam\""));
        }
        response
    }
}
