//! The one place where domain errors become HTTP responses: a status code and a JSON body
//! `{"error": "<message for a person>"}`.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use domain::{dto::RejectReason, Error};

pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

pub fn status_of_rejection(reason: RejectReason) -> StatusCode {
    match reason {
        RejectReason::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        RejectReason::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        RejectReason::Empty | RejectReason::Interrupted => StatusCode::BAD_REQUEST,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            e if e.rejection().is_some() => status_of_rejection(e.rejection().expect("checked")),
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Queue(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Storage(_) | Error::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = if status.is_server_error() {
            // Details go to the log, not to the client.
            tracing::error!(error = %self.0, "request failed");
            "internal error; the details are in the server log".to_owned()
        } else {
            self.0.to_string()
        };
        (status, Json(serde_json::json!({ "error": message }))).into_response()
    }
}
