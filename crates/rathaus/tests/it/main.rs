//! Integration tests: the real `rathaus` binary, a real socket on 127.0.0.1:0, a real
//! database (a fresh SQLite file, or a fresh PostgreSQL database per test).

mod support;

mod access;
mod accounts;
mod api;
mod api_apply;
mod api_appointments;
mod api_client;
mod api_login;
mod api_push;
mod api_round_trip;
mod apply;
mod appointments;
mod backoffice;
mod broken_definitions;
mod browser;
mod catalogue;
mod folders;
mod found;
mod handover;
mod id_status;
mod mail;
mod notices;
mod operations;
mod payments;
mod reload;
mod security;
mod seed_forms;
