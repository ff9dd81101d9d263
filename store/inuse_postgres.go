package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strings"

	"hrss/rules/fault"
)

// processTag tells this process's PostgreSQL connections from every other
// process's: each connection's application_name is "hrss:TAG:SCHEMA"
// (withAppName), which pg_stat_activity shows to every user.
var processTag = func() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}()

// withAppName returns the PostgreSQL URL dsn with application_name set to
// "hrss:TAG:SCHEMA" (SCHEMA: the URL's search_path, "-" without one),
// unless the URL sets one itself.
func withAppName(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // Open reports it
	}
	q := u.Query()
	if q.Get("application_name") != "" {
		return dsn
	}
	q.Set("application_name", appName(q.Get("search_path")))
	u.RawQuery = q.Encode()
	return u.String()
}

// appName is the application_name of this process's connections to the
// schema (search_path) given (no spaces: pgx reads a URL's '+' as is);
// PostgreSQL keeps 63 bytes of it.
func appName(schema string) string {
	if schema == "" {
		schema = "-"
	}
	name := "hrss:" + processTag + ":" + schema
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

// checkPostgresUnused fails with Conflict (rule restore.in_use), naming
// their client addresses, when other hrss processes have connections to
// the schema of dsn; this process's connections are not counted.
func checkPostgresUnused(ctx context.Context, dsn string) error {
	pool, err := sql.Open("pgx", withAppName(dsn))
	if err != nil {
		return err
	}
	defer pool.Close()
	u, _ := url.Parse(dsn)
	own := appName(u.Query().Get("search_path"))
	schema := strings.SplitN(own, ":", 3)[2]
	rows, err := pool.QueryContext(ctx, `SELECT DISTINCT application_name, COALESCE(host(client_addr), 'local')
		FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'hrss:%' AND application_name <> $1`, own)
	if err != nil {
		return wrapDBError(err)
	}
	defer rows.Close()
	var from []string
	for rows.Next() {
		var name, addr string
		if err := rows.Scan(&name, &addr); err != nil {
			return err
		}
		if f := strings.SplitN(name, ":", 3); len(f) == 3 && f[2] == schema {
			from = append(from, f[1]+" from "+addr)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(from) > 0 {
		return fault.Conflictf("db", "restore.in_use", "the database is in use by %d other hrss process(es) (%s): stop every hrss process using it (or pass --force if you are sure none is)", len(from), strings.Join(from, ", "))
	}
	return nil
}
