package store

import (
	"bytes"
	"database/sql"
	"io"
	"os"

	"hrss/rules/fault"
)

// refuseForeign refuses, before anything is written to it, a SQLite path
// that exists and is not an hrss database: opening a file for writing
// switches it to WAL mode and migrating adds hrss's tables, which would
// change someone else's file. Refused (Invalid, rule db.not_hrss) are a
// file that is not SQLite, one SQLite cannot read, and a SQLite database
// with tables but no schema_migrations among them. A missing or empty
// file is a new database.
func refuseForeign(path string) error {
	st, err := os.Stat(path)
	if err != nil || (st.Mode().IsRegular() && st.Size() == 0) {
		return nil // a new database, or an error that opening reports
	}
	notHrss := func(why string, args ...any) error {
		return fault.Invalidf("db", "db.not_hrss", "%s is not an hrss database: "+why+"; nothing was written to it", append([]any{path}, args...)...)
	}
	if !st.Mode().IsRegular() {
		return notHrss("it is not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	head := make([]byte, len(sqliteHeader))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteHeader) {
		return notHrss("it is not a SQLite database file")
	}
	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer ro.Close()
	var tables, ours int
	err = ro.QueryRow("SELECT count(*), coalesce(sum(name = 'schema_migrations'), 0) FROM sqlite_master WHERE type = 'table'").Scan(&tables, &ours)
	switch {
	case err != nil:
		return notHrss("SQLite cannot read it (%v)", err)
	case tables > 0 && ours == 0:
		return notHrss("it is a SQLite database of %d tables without hrss's schema_migrations", tables)
	}
	return nil
}
