package insured

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"

	"hrss/access"
	"hrss/store"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// Schema creates a schema of its own, named prefix and random hex, in
// the PostgreSQL database at base, and returns the URL that works in it
// and what drops it.
func Schema(base, prefix string) (string, func(), error) {
	b := make([]byte, 4)
	rand.Read(b)
	name := prefix + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() { admin.Exec("DROP SCHEMA " + name + " CASCADE"); admin.Close() }, nil
}

// Open opens the database at dsn as the system and migrates it.
func Open(dsn string) (context.Context, *store.DB, error) {
	ctx := access.WithCaller(context.Background(), access.System)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	return ctx, db, nil
}
