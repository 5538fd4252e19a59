//! What people write about an asset: its title and description (editors).

use chrono::Utc;
use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Target},
    entities::asset,
    error::{Error, Result},
};

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_DESCRIPTION_CHARS: usize = 5000;

/// Sets the fields given; `None` leaves a field as it is, an empty text clears it.
pub async fn describe(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
    title: Option<String>,
    description: Option<String>,
) -> Result<()> {
    crate::catalog::find(db, actor, id).await?;
    let mut update = asset::Entity::update_many().col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(title) = &title {
        let title = single_line(title);
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(Error::BadRequest(format!("a title has at most {MAX_TITLE_CHARS} characters")));
        }
        update = update.col_expr(asset::Column::Title, Expr::value(title));
    }
    if let Some(description) = &description {
        let description: String =
            description.chars().filter(|c| !c.is_control() || *c == '\n').collect::<String>().trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(Error::BadRequest(format!("a description has at most {MAX_DESCRIPTION_CHARS} characters")));
        }
        update = update.col_expr(asset::Column::Description, Expr::value(description));
    }
    let changed = update.filter(asset::Column::Id.eq(id)).exec(db).await?.rows_affected;
    if changed == 0 {
        return Err(Error::NotFound("asset"));
    }
    audit::record(
        db,
        actor,
        "asset.describe",
        Some(Target::asset(id)),
        serde_json::json!({ "title": title.is_some(), "description": description.is_some() }),
    )
    .await?;
    Ok(())
}

fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
