package store_test

import (
	"database/sql"
	"net/url"
	"testing"

	"hrss/rules/fault"
	"hrss/store"
	"hrss/store/storetest"
)

// TestPostgresInUse: CheckUnused on PostgreSQL sees another hrss
// process's connection to the same schema (its application_name), not
// this process's own, not one to another schema, and not once it closed.
func TestPostgresInUse(t *testing.T) {
	base := storetest.Postgres(t)
	if base == "" {
		t.Skip("HRSS_TEST_POSTGRES is not set")
	}
	dsn := storetest.PostgresSchema(t, base)
	own := openServer(t, dsn) // this process's connections are not another's
	if err := own.Ready(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := store.CheckUnused(dsn); err != nil {
		t.Fatalf("this process alone: %v", err)
	}
	schema, _ := url.Parse(dsn)
	other := func(schemaName string) *sql.DB { return storetest.OtherProcess(t, dsn, schemaName) }
	elsewhere := other("another_schema")
	if err := store.CheckUnused(dsn); err != nil {
		t.Fatalf("a process on another schema: %v", err)
	}
	elsewhere.Close()
	server := other(schema.Query().Get("search_path"))
	if err := store.CheckUnused(dsn); fault.KindOf(err) != fault.Conflict || fault.RuleOf(err) != "restore.in_use" {
		t.Fatalf("another hrss process on the schema: %v", err)
	}
	storetest.HangUp(t, server, dsn)
	if err := store.CheckUnused(dsn); err != nil {
		t.Fatalf("after it closed: %v", err)
	}
}
