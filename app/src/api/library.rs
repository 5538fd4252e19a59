//! Server functions of the library: search, describing and tagging assets, the trash, and
//! collections. Each is the operation of the same name (`domain::operations`); the struct the
//! macro makes for a function (`TrashAssets` for `trash_assets`) is what the UI dispatches.

use domain::{
    dto::{AssetQuery, NewCollection, PageRequest},
    operations::{
        collections::{self, CollectionAssets},
        library::{self, AssetDetails, AssetTag, AssetTags, SelectionTags, TagPrefix},
        trash, AssetIds, ById, Nothing,
    },
};

server_op!(search_assets, "search_assets", library::SearchAssets, AssetQuery, default);
server_op!(describe_asset, "describe_asset", library::DescribeAsset, AssetDetails);
server_op!(tag_asset, "tag_asset", library::TagAsset, AssetTags);
server_op!(untag_asset, "untag_asset", library::UntagAsset, AssetTag);
server_op!(tag_assets, "tag_assets", library::TagAssets, SelectionTags);
server_op!(suggest_tags, "suggest_tags", library::SuggestTags, TagPrefix, default);

server_op!(trash_assets, "trash_assets", trash::TrashAssets, AssetIds);
server_op!(restore_assets, "restore_assets", trash::RestoreAssets, AssetIds);
server_op!(list_trash, "list_trash", trash::ListTrash, PageRequest, default);
server_op!(empty_trash, "empty_trash", trash::EmptyTrash, Nothing, default);

server_op!(list_collections, "list_collections", collections::ListCollections, PageRequest, default);
server_op!(get_collection, "get_collection", collections::GetCollection, ById);
server_op!(create_collection, "create_collection", collections::CreateCollection, NewCollection);
server_op!(add_to_collection, "add_to_collection", collections::AddToCollection, CollectionAssets);
server_op!(remove_from_collection, "remove_from_collection", collections::RemoveFromCollection, CollectionAssets);
server_op!(delete_collection, "delete_collection", collections::DeleteCollection, ById);
