package store

import (
	"context"
	"os"
	"testing"

	"hrss/access"
)

// TestBatchViewIsSerial: on PostgreSQL a batch read (access.Background)
// runs without parallel workers, a request's read with the server's
// setting, and the setting ends with the batch read's transaction.
func TestBatchViewIsSerial(t *testing.T) {
	dsn := os.Getenv("HRSS_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("HRSS_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	workers := func(ctx context.Context) string {
		var v string
		if err := db.view(ctx, func(tx *Tx) error {
			return tx.queryRow(ctx, "SHOW max_parallel_workers_per_gather").Scan(&v)
		}); err != nil {
			t.Fatal(err)
		}
		return v
	}
	server := workers(ctx)
	if got := workers(access.Background(ctx)); got != "0" {
		t.Errorf("a batch read's parallel workers: %s, want 0", got)
	}
	if got := workers(ctx); got != server || server == "0" {
		t.Errorf("a request's read after a batch read: %s, the server's setting %s (want it above 0)", got, server)
	}
}
