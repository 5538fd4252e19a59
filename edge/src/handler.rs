//! The JSON adapter of every operation: read the caller and the input, run the operation, answer.

use axum::{
    body::Bytes,
    extract::{
        rejection::{BytesRejection, PathRejection},
        Path, RawQuery, State,
    },
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use domain::{
    operations::{execute, Operation, Success},
    Services,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{problem::Problem, Access, ApiError};

/// `O` as an axum handler. The input is one object made of the path parameters and either the
/// query string (GET) or the JSON body (every other method); a path parameter wins over a field
/// of the same name.
pub async fn json<O: Operation>(
    State(services): State<Services>,
    access: Access,
    method: Method,
    params: Result<Path<Vec<(String, String)>>, PathRejection>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let params = match params {
        Ok(Path(params)) => params,
        // A route without parameters.
        Err(PathRejection::MissingPathParams(_)) => Vec::new(),
        // Never fall back to fields of the body: the path names what the request acts on.
        Err(rejection) => return Problem::new(StatusCode::BAD_REQUEST, rejection.body_text()).into_response(),
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return Problem::new(rejection.status(), rejection.body_text()).into_response(),
    };
    let input = match read_input::<O::Input>(&method, params, query.as_deref(), &body) {
        Ok(input) => input,
        Err(problem) => return problem.into_response(),
    };
    match execute::<O>(&services, &access, &crate::links::API, input).await {
        Ok(output) => match O::SPEC.success {
            Success::Ok => Json(output).into_response(),
            Success::Created => (StatusCode::CREATED, Json(output)).into_response(),
            Success::Accepted => (StatusCode::ACCEPTED, Json(output)).into_response(),
            Success::NoContent => StatusCode::NO_CONTENT.into_response(),
        },
        Err(error) => {
            let status = crate::problem::status_of(&error);
            let documented = crate::routes::documented_statuses(&O::SPEC, method.as_str());
            if !status.is_server_error() && !documented.contains(&status.as_u16()) {
                // The OpenAPI document promised otherwise: a bug in the operation's declaration.
                tracing::error!(operation = O::SPEC.id, status = status.as_u16(), %error, "undocumented status");
            }
            ApiError(error).into_response()
        }
    }
}

/// Reads an operation's input from a request's parts.
pub fn read_input<I: DeserializeOwned>(
    method: &Method,
    params: Vec<(String, String)>,
    query: Option<&str>,
    body: &[u8],
) -> Result<I, Problem> {
    if method == Method::GET || method == Method::HEAD {
        let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, format!("the query string cannot be read: {e}")))?;
        pairs.retain(|(key, _)| !params.iter().any(|(name, _)| name == key));
        pairs.extend(params);
        let encoded = serde_urlencoded::to_string(&pairs).expect("pairs of strings encode");
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        return serde_path_to_error::deserialize(deserializer).map_err(unreadable);
    }
    let mut value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| Problem::new(StatusCode::BAD_REQUEST, format!("the body is not valid JSON: {e}")))?
    };
    let Some(object) = value.as_object_mut() else {
        return Err(Problem::unreadable(String::new(), "the body must be a JSON object".into()));
    };
    for (name, text) in params {
        object.insert(name, Value::String(text));
    }
    serde_path_to_error::deserialize(value).map_err(unreadable)
}

/// 422 naming the field of the input that could not be read.
fn unreadable<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Problem {
    let field = e.path().to_string();
    Problem::unreadable(if field == "." { String::new() } else { field }, e.inner().to_string())
}
