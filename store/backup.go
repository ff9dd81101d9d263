package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"hrss/rules/fault"
)

// Backup writes a consistent copy of the SQLite database db to a new file
// at path while the database goes on serving: VACUUM INTO on a connection
// of its own reads one snapshot (WAL lets the writer go on meanwhile) and
// writes a compact database file, which is synced and then linked into
// place, so path never holds half a copy. The copy is an hrss database
// like the original (same migrations, same sealed IDs: it opens with the
// same key). It fails if path exists, and with Invalid on PostgreSQL,
// whose backups are pg_dump's (see README, "Backup and restore").
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return fault.Invalidf("db", "backup.engine", "a PostgreSQL database is backed up with pg_dump, not by hrss itself")
	}
	if strings.ContainsAny(path, "?#") {
		return fault.Invalidf("file", "db.path", "%q: a SQLite path may not contain ? or #", path)
	}
	if _, err := os.Lstat(path); err == nil {
		return fault.Invalidf("file", "backup.exists", "%s exists: give a new file name (a backup never overwrites another)", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".partial-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close() // VACUUM INTO writes into an empty file
	defer os.Remove(tmpName)
	conn, err := sql.Open("sqlite", "file:"+db.dsn+"?"+sqlitePragmas)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", tmpName); err != nil {
		return fmt.Errorf("backup of %s: %w", db.dsn, err)
	}
	if err := syncFile(tmpName); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Link(tmpName, path); err != nil { // unlike rename, never replaces a file that appeared meanwhile
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// DatabaseFile is what InspectFile found in a SQLite file.
type DatabaseFile struct {
	Path         string
	Migrations   MigrationStatus
	Persons      int64
	AuditEntries int64
	// SealedSample is the sealed resident ID of the person with the lowest
	// ID (nil without persons): opening it tells whether a key fits.
	SealedSample []byte
	// Rekey is the rotation of the resident-ID key the file records, if
	// RekeyOK; one under way means its IDs are sealed under two keys.
	Rekey   Rekey
	RekeyOK bool
}

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// InspectFile opens the file at path read-only (it writes nothing, not
// even a journal beside it) and checks that it is an hrss SQLite database:
// a SQLite file, intact (quick_check), with the migrations table and
// hrss's migrations in it (whether all of this binary's is in
// df.Migrations), and no write-ahead log beside it (a live database, or
// one not closed cleanly: back it up with hrss backup instead). Every
// refusal is an Invalid fault saying why.
func InspectFile(ctx context.Context, path string) (DatabaseFile, error) {
	df := DatabaseFile{Path: path}
	if strings.ContainsAny(path, "?#") {
		return df, fault.Invalidf("file", "db.path", "%q: a SQLite path may not contain ? or #", path)
	}
	if err := checkHeader(path); err != nil {
		return df, err
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		return df, fault.Invalidf("file", "restore.live", "%s has a write-ahead log beside it (%s-wal): it is a live database or was not closed cleanly; make a copy with hrss backup", path, path)
	}
	pool, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		return df, fmt.Errorf("open %s: %w", path, err)
	}
	defer pool.Close()
	db := newDB(SQLite, pool, pool, path)
	notHrss := func(why string) error {
		return fault.Invalidf("file", "restore.not_hrss", "%s is not an hrss database: %s", path, why)
	}
	err = db.view(ctx, func(tx *Tx) error {
		var check string
		if err := tx.queryRow(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
			return notHrss(err.Error())
		}
		if check != "ok" {
			return fault.Invalidf("file", "restore.damaged", "%s is damaged: %s", path, check)
		}
		ok, err := tx.hasTable(ctx, "schema_migrations")
		if err != nil {
			return notHrss(err.Error())
		}
		if !ok {
			return notHrss("it has no schema_migrations table")
		}
		ms, err := loadMigrations(SQLite)
		if err != nil {
			return err
		}
		have, err := tx.migrationVersions(ctx)
		if err != nil {
			return notHrss(err.Error())
		}
		df.Migrations = compareMigrations(ms, have)
		if df.Migrations.Applied == 0 {
			return notHrss("it has none of hrss's migrations")
		}
		if err := tx.queryRow(ctx, "SELECT count(*) FROM persons").Scan(&df.Persons); err != nil {
			return notHrss(err.Error())
		}
		if err := tx.queryRow(ctx, "SELECT count(*) FROM audit_entries").Scan(&df.AuditEntries); err != nil {
			return notHrss(err.Error())
		}
		err = tx.queryRow(ctx, "SELECT id_sealed FROM persons ORDER BY id LIMIT 1").Scan(&df.SealedSample)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return notHrss(err.Error())
		}
		df.Rekey, df.RekeyOK, err = tx.rekeyState(ctx)
		return err
	})
	return df, err
}

// checkHeader fails with Invalid unless path is a regular file that
// starts like a SQLite database.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fault.Invalidf("file", "restore.open", "%v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fault.Invalidf("file", "restore.open", "%v", err)
	}
	if !st.Mode().IsRegular() {
		return fault.Invalidf("file", "restore.not_hrss", "%s is not a regular file", path)
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fault.Invalidf("file", "restore.not_hrss", "%s is not an hrss database: it is not a SQLite database file", path)
	}
	return nil
}

// RestoreOptions are the choices of RestoreFile.
type RestoreOptions struct {
	// Force replaces the database even when it seems in use (or when this
	// system cannot tell); stop every hrss process using it first anyway.
	Force bool
	Now   time.Time // names the replaced file; zero: the current time
}

// Restored is what RestoreFile did.
type Restored struct {
	File DatabaseFile // what was restored
	// Replaced is where the database that was at dst now is (with its
	// write-ahead log, if any), "" when there was none.
	Replaced string
}

// RestoreFile puts a copy of the hrss database file src in place of the
// SQLite database at dst. It first checks src with InspectFile (and that
// its migrations are exactly this binary's), and that
// no process has dst open (SQLite's shared-memory lock, held by every
// connection in WAL mode; Force skips this), and writes nothing when
// either fails. Then it copies src beside dst and syncs it, moves the
// database at dst (and its write-ahead log) aside to dst.replaced-TIME,
// and renames the copy to dst. It holds the shared-memory lock meanwhile,
// so a server starting then cannot open dst half replaced. Failures are
// Invalid (src is not a current hrss database), Conflict (dst in use) or
// I/O errors.
func RestoreFile(ctx context.Context, src, dst string, opt RestoreOptions) (Restored, error) {
	var out Restored
	if IsPostgres(dst) {
		return out, fault.Invalidf("db", "restore.engine", "a PostgreSQL database is restored with pg_restore, not by RestoreFile")
	}
	if strings.ContainsAny(dst, "?#") {
		return out, fault.Invalidf("db", "db.path", "%q: a SQLite path may not contain ? or #", dst)
	}
	df, err := InspectFile(ctx, src)
	if err != nil {
		return out, err
	}
	out.File = df
	if !df.Migrations.Current() {
		return out, fault.Invalidf("file", "restore.migrations", "%s is not a current hrss database for this binary: %s", src, df.Migrations)
	}
	if a, err := os.Stat(src); err == nil {
		if b, err := os.Stat(dst); err == nil && os.SameFile(a, b) {
			return out, fault.Invalidf("file", "restore.same", "%s is the database itself", src)
		}
	}
	release, err := lockUnused(dst)
	if err != nil && !opt.Force {
		return out, err
	}
	defer release()
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".restore-*")
	if err != nil {
		return out, fmt.Errorf("restore: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed
	if err := copyInto(tmp, src); err != nil {
		return out, fmt.Errorf("restore: copying %s: %w", src, err)
	}
	if _, err := os.Lstat(dst); err == nil {
		now := opt.Now
		if now.IsZero() {
			now = time.Now()
		}
		out.Replaced = dst + ".replaced-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(dst, out.Replaced); err != nil {
			return out, fmt.Errorf("restore: moving the database aside: %w", err)
		}
		if err := os.Rename(dst+"-wal", out.Replaced+"-wal"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return out, fmt.Errorf("restore: moving the write-ahead log aside: %w", err)
		}
		os.Remove(dst + "-shm") // shared memory only, rebuilt by the next opener
	} else if !errors.Is(err, fs.ErrNotExist) {
		return out, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmpName, dst); err != nil {
		return out, fmt.Errorf("restore: %w", err)
	}
	return out, syncDir(filepath.Dir(dst))
}

// CheckUnused fails with Conflict, naming the process, when another
// process has the database of dsn open: for SQLite, a process holding the
// file (see RestoreFile; on systems where this cannot be told it always
// fails so); for PostgreSQL, another hrss process connected to the same
// schema (pg_stat_activity, by the application_name every hrss
// connection carries). Connections of this process are not seen.
func CheckUnused(dsn string) error {
	if IsPostgres(dsn) {
		return checkPostgresUnused(context.Background(), dsn)
	}
	release, err := lockUnused(dsn)
	release()
	return err
}

// copyInto copies the file src into f, syncs and closes f.
func copyInto(f *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		f.Close()
		return err
	}
	defer in.Close()
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename or link in dir durable (a no-op where
// directories cannot be synced).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// MoveSchemaAside renames the PostgreSQL schema to schema_replaced_TIME
// and creates an empty schema of the same name (owned by the connecting
// user), in one transaction, for a restore that replaces a database's
// tables while keeping the old ones until the restore is checked; it
// returns the new name of the old schema. PutSchemaBack undoes it.
func (db *DB) MoveSchemaAside(ctx context.Context, schema string, now time.Time) (string, error) {
	if db.engine != Postgres {
		return "", fault.Invalidf("db", "restore.engine", "only a PostgreSQL schema can be moved aside")
	}
	aside := schema + "_replaced_" + now.UTC().Format("20060102t150405")
	err := db.update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "ALTER SCHEMA "+pgx.Identifier{schema}.Sanitize()+" RENAME TO "+pgx.Identifier{aside}.Sanitize()); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
		return err
	})
	return aside, err
}

// PutSchemaBack drops schema (what a failed restore left of it) and gives
// its name back to the schema MoveSchemaAside renamed to aside.
func (db *DB) PutSchemaBack(ctx context.Context, schema, aside string) error {
	return db.update(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "ALTER SCHEMA "+pgx.Identifier{aside}.Sanitize()+" RENAME TO "+pgx.Identifier{schema}.Sanitize())
		return err
	})
}
