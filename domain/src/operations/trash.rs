//! The trash: editors move what they uploaded there and back, admins anything; only admins empty
//! it, which deletes assets and their files for good.

use super::{AssetIds, ById, Changed, Nothing, EXAMPLE_ID};
#[cfg(feature = "server")]
use crate::{catalog, library::trash};
use crate::{
    dto::{AssetView, Page, PageRequest},
    policy::Permission,
};

operation! {
    TrashAsset(ById) -> () {
        id: "trash_asset",
        summary: "Move an asset to the trash",
        permission: Some(Permission::Trash),
        owned: true,
        success: NoContent,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| trash::trash(cx.db().await?, &cx.actor, &[input.id]).await.map(drop),
    }
}

operation! {
    TrashAssets(AssetIds) -> Changed {
        id: "trash_assets",
        summary: "Move a selection of assets to the trash (those already there are skipped)",
        permission: Some(Permission::Trash),
        owned: true,
        success: Ok,
        failures: [Invalid, NotFound],
        example: AssetIds { assets: vec![EXAMPLE_ID] },
        run: |cx, input| Ok(Changed { changed: trash::trash(cx.db().await?, &cx.actor, &input.assets).await? }),
    }
}

operation! {
    RestoreAsset(ById) -> AssetView {
        id: "restore_asset",
        summary: "Bring an asset back from the trash",
        permission: Some(Permission::Trash),
        owned: true,
        success: Ok,
        failures: [NotFound],
        example: ById { id: EXAMPLE_ID },
        run: |cx, input| {
            trash::restore(cx.db().await?, &cx.actor, &[input.id]).await?;
            catalog::get_asset(cx.db().await?, cx.links, &cx.actor, input.id).await
        },
    }
}

operation! {
    RestoreAssets(AssetIds) -> Changed {
        id: "restore_assets",
        summary: "Bring a selection of assets back from the trash",
        permission: Some(Permission::Trash),
        owned: true,
        success: Ok,
        failures: [Invalid, NotFound],
        example: AssetIds { assets: vec![EXAMPLE_ID] },
        run: |cx, input| Ok(Changed { changed: trash::restore(cx.db().await?, &cx.actor, &input.assets).await? }),
    }
}

operation! {
    ListTrash(PageRequest) -> Page<AssetView> {
        id: "list_trash",
        summary: "What is in the trash (for editors: what they uploaded), most recently trashed first",
        permission: Some(Permission::Trash),
        owned: false,
        success: Ok,
        failures: [],
        example: PageRequest { after: None, limit: Some(50) },
        run: |cx, input| trash::list(cx.db().await?, cx.links, &cx.actor, input).await,
    }
}

operation! {
    EmptyTrash(Nothing) -> Changed {
        id: "empty_trash",
        summary: "Delete everything in the trash for good, files included",
        permission: Some(Permission::EmptyTrash),
        owned: false,
        success: Ok,
        failures: [],
        example: Nothing {},
        run: |cx, _input| {
            let (removed, unused) = trash::empty(cx.db().await?, &cx.actor).await?;
            let storage = cx.services.storage.clone();
            cx.after_commit(async move {
                for path in unused {
                    if let Err(error) = storage.delete(&path).await {
                        tracing::warn!(%path, %error, "could not delete a file of an emptied asset; the reconciler will");
                    }
                }
                Ok(())
            });
            Ok(Changed { changed: removed })
        },
    }
}
