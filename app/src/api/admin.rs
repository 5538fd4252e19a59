//! Administration (admins only): users, the audit log, the dashboard and the queues. Each is the
//! operation of the same name (`domain::operations::admin`).

use domain::{
    dto::{AuditFilter, NewUser, OverviewRange, PageRequest},
    operations::{
        admin::{self, Reprocess, UserChange},
        Nothing,
    },
};

server_op!(list_users, "list_users", admin::ListUsers, PageRequest, default);
server_op!(create_user, "create_user", admin::CreateUser, NewUser);
server_op!(update_user, "update_user", admin::UpdateUser, UserChange);
server_op!(list_audit, "list_audit", admin::ListAudit, AuditFilter, default);
server_op!(dashboard_overview, "dashboard_overview", admin::DashboardOverview, OverviewRange, default);
server_op!(queue_reports, "queue_reports", admin::QueueReports, Nothing, default);
server_op!(reprocess_many, "reprocess_many", admin::ReprocessMany, Reprocess);
