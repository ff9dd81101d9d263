package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"hrss/registry/ident"
	"hrss/rules/fault"
	"hrss/store"
)

func runBackup(g *globals, args []string) error {
	flags := newFlags(g, "backup", "backup FILE\n\n"+
		"Write a consistent copy of the database to FILE (which must not exist) while it goes on serving.\n"+
		"SQLite: an online copy (VACUUM INTO), itself an hrss database that --db FILE opens with the same key.\n"+
		"PostgreSQL: pg_dump --format=custom (pg_dump must be on PATH; see README, \"Backup and restore\").")
	pos, err := parsePositional(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fault.Invalidf("file", "backup.file", "give the file to write the backup to")
	}
	file := pos[0]
	ctx := context.Background()
	if store.IsPostgres(g.db) {
		return pgBackup(ctx, g, file)
	}
	if _, err := os.Stat(g.db); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	if ms.Applied == 0 {
		return fault.Invalidf("db", "backup.not_hrss", "%s is not an hrss database (none of hrss's migrations)", g.db)
	}
	start := time.Now()
	if err := db.Backup(ctx, file); err != nil {
		return err
	}
	took := time.Since(start)
	df, err := store.InspectFile(ctx, file)
	if err != nil {
		return fmt.Errorf("the copy does not check: %w", err)
	}
	fmt.Fprintf(g.stdout, "backed up %s to %s in %s: %d persons, %d audit entries, migrations %s\n",
		g.db, file, took.Round(time.Millisecond), df.Persons, df.AuditEntries, df.Migrations)
	if msg, err := keyFits(g, df.SealedSample); err != nil {
		return fmt.Errorf("the copy %s: %w", file, err)
	} else if msg != "" {
		fmt.Fprintln(g.stdout, msg)
	}
	fmt.Fprintln(g.stdout, "keep the key with the backup, but apart from it: without the key the resident IDs in it cannot be read")
	return nil
}

// keyFits opens a sealed resident ID with the current key, without
// creating a key file. It returns what to tell the operator, or an error
// when the key does not open it.
func keyFits(g *globals, sample []byte) (string, error) {
	if sample == nil {
		return "no persons: nothing to check the key against", nil
	}
	key, err := existingKey(g)
	if err != nil {
		return fmt.Sprintf("the key was not checked (%v)", err), nil
	}
	v, err := ident.NewVault(key)
	if err != nil {
		return "", err
	}
	if _, err := v.Open(sample); err != nil {
		return "", fault.Invalidf("key-file", "restore.key", "its resident IDs do not open with the current key (HRSS_KEY or --key-file): use the key it was made with")
	}
	return "its resident IDs open with the current key", nil
}

func runRestore(g *globals, args []string) error {
	flags := newFlags(g, "restore", "restore [--force] FILE\n\n"+
		"Replace the database with the backup in FILE. Stop every server first.\n"+
		"SQLite: FILE must be an intact hrss database with exactly this binary's migrations whose resident IDs open\n"+
		"with the current key; a database in use is refused without --force; the replaced database is kept beside\n"+
		"it as DB.replaced-TIME. PostgreSQL: pg_restore of a pg_dump --format=custom file into an empty database\n"+
		"(--force: move the schema's tables aside to SCHEMA_replaced_TIME first). Then run hrss check and hrss audit verify.")
	force := flags.Bool("force", false, "SQLite: replace the database even if it seems in use; PostgreSQL: move the tables already there aside (schema SCHEMA_replaced_TIME) and restore")
	pos, err := parsePositional(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fault.Invalidf("file", "restore.file", "give the backup file to restore")
	}
	file := pos[0]
	ctx := context.Background()
	if store.IsPostgres(g.db) {
		return pgRestore(ctx, g, file, *force)
	}
	df, err := store.InspectFile(ctx, file)
	if err != nil {
		return err
	}
	if !df.Migrations.Current() {
		return fault.Invalidf("file", "restore.migrations", "%s is not a current hrss database for this binary: %s (restore it with the hrss that made it)", file, df.Migrations)
	}
	midRotation := df.RekeyOK && !df.Rekey.Finished()
	keyMsg := "the copy was made during a rotation of the resident-ID key: finish it with hrss rekey (with both keys) before serving"
	if !midRotation {
		if keyMsg, err = keyFits(g, df.SealedSample); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
	}
	res, err := store.RestoreFile(ctx, file, g.db, store.RestoreOptions{Force: *force})
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return fmt.Errorf("the restored database does not open: %w", err)
	}
	defer db.Close()
	ms, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "restored %s from %s: %d persons, %d audit entries, migrations %s\n", g.db, file, df.Persons, df.AuditEntries, ms)
	if res.Replaced != "" {
		fmt.Fprintf(g.stdout, "the database it replaced is %s\n", res.Replaced)
	}
	if keyMsg != "" {
		fmt.Fprintln(g.stdout, keyMsg)
	}
	fmt.Fprintln(g.stdout, "now run hrss check and hrss audit verify")
	return nil
}

// pgBackup runs pg_dump --format=custom of the database (of its schema,
// when the URL names one with search_path) into a new file.
func pgBackup(ctx context.Context, g *globals, file string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("pg_dump is not on PATH: install PostgreSQL's client programs (of the server's major version or newer), or run it yourself: PGPASSWORD=… pg_dump --format=custom --file=%s --host=HOST --username=USER DBNAME (README, \"Backup and restore\")", file)
	}
	if _, err := os.Lstat(file); err == nil {
		return fault.Invalidf("file", "backup.exists", "%s exists: give a new file name (a backup never overwrites another)", file)
	}
	env, schema, err := pgEnv(g.db)
	if err != nil {
		return err
	}
	tmp := file + ".partial"
	os.Remove(tmp)
	defer os.Remove(tmp)
	args := []string{"--format=custom", "--no-password", "--file=" + tmp}
	if schema != "" {
		args = append(args, "--schema="+schema)
	}
	start := time.Now()
	if err := runPG(ctx, env, bin, args...); err != nil {
		return fmt.Errorf("pg_dump: %w", err)
	}
	list, err := pgDumpList(ctx, env, tmp)
	if err != nil {
		return fmt.Errorf("the dump does not check: %w", err)
	}
	if _, ok := list.schema(); !ok {
		return fmt.Errorf("the dump does not check: it holds no schema_migrations table; is %s an hrss database?", redact(g.db))
	}
	if err := os.Link(tmp, file); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "backed up the PostgreSQL database with pg_dump to %s in %s (%d entries)\n", file, time.Since(start).Round(time.Millisecond), len(list.lines))
	fmt.Fprintln(g.stdout, "keep the key with the backup, but apart from it: without the key the resident IDs in it cannot be read")
	return nil
}

// pgRestore runs pg_restore of a pg_dump --format=custom file into the
// database: refused when the file holds no hrss schema, when it holds
// another schema than the database's, (without force) when the database
// already holds hrss's tables, and (with force, which moves them aside)
// while another hrss process is connected to the schema.
func pgRestore(ctx context.Context, g *globals, file string, force bool) error {
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		return fmt.Errorf("pg_restore is not on PATH: install PostgreSQL's client programs, or run it yourself: PGPASSWORD=… pg_restore --no-owner --exit-on-error --single-transaction --dbname=DBNAME %s (README, \"Backup and restore\")", file)
	}
	env, schema, err := pgEnv(g.db)
	if err != nil {
		return err
	}
	list, err := pgDumpList(ctx, env, file)
	if err != nil {
		return fault.Invalidf("file", "restore.not_hrss", "%s is not a pg_dump archive of an hrss database: %v", file, err)
	}
	dumped, ok := list.schema()
	if !ok {
		return fault.Invalidf("file", "restore.not_hrss", "%s is not a dump of an hrss database: it holds no schema_migrations table", file)
	}
	target := schema
	if target == "" {
		target = "public"
	}
	if dumped != target {
		return fault.Invalidf("file", "restore.schema", "%s holds schema %s but the database uses schema %s (set search_path=%s in the URL, or restore by hand)", file, dumped, target, dumped)
	}
	db, err := store.Open(ctx, g.db)
	if err != nil {
		return err
	}
	defer db.Close()
	exists, err := db.SchemaExists(ctx, target)
	if err != nil {
		return err
	}
	if exists {
		ms, err := db.Migrations(ctx)
		if err != nil {
			return err
		}
		if ms.Applied > 0 && !force {
			return fault.Conflictf("db", "restore.not_empty", "the database already holds hrss's tables (%s): restore into an empty database, or pass --force to move them aside and restore (stop every server first)", ms)
		}
	}
	aside := ""
	if exists && force {
		// a server still connected would go on in the empty schema
		if err := store.CheckUnused(g.db); err != nil {
			return err
		}
		// pg_restore --clean cannot drop partitioned tables in order: the
		// schema goes aside whole (kept until the restore is checked)
		if aside, err = db.MoveSchemaAside(ctx, target, time.Now()); err != nil {
			return err
		}
	}
	// Restore every entry but the schema itself where it exists already
	// (CREATE SCHEMA would fail): a list file selects the entries.
	listFile, err := os.CreateTemp("", "hrss-restore-*.list")
	if err != nil {
		return err
	}
	defer os.Remove(listFile.Name())
	for _, l := range list.lines {
		if exists && l.isSchema(dumped) {
			continue
		}
		fmt.Fprintln(listFile, l.text)
	}
	if err := listFile.Close(); err != nil {
		return err
	}
	args := []string{"--no-owner", "--no-password", "--exit-on-error", "--single-transaction", "--use-list=" + listFile.Name(), "--dbname=" + pgDBName(env), file}
	start := time.Now()
	if err := runPG(ctx, env, bin, args...); err != nil {
		if aside != "" {
			if perr := db.PutSchemaBack(ctx, target, aside); perr != nil {
				return fmt.Errorf("pg_restore: %w; and putting schema %s back as %s failed: %v", err, aside, target, perr)
			}
		}
		return fmt.Errorf("pg_restore (nothing was changed: it ran in one transaction): %w", err)
	}
	ms, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "restored the PostgreSQL database from %s with pg_restore in %s: migrations %s\n", file, time.Since(start).Round(time.Millisecond), ms)
	if aside != "" {
		fmt.Fprintf(g.stdout, "the tables it replaced are in schema %s: drop it (DROP SCHEMA %s CASCADE) once the restore is checked\n", aside, aside)
	}
	fmt.Fprintln(g.stdout, "now run hrss check and hrss audit verify")
	return nil
}

// runPG runs a PostgreSQL client program with the connection in env,
// returning its standard error in the error.
func runPG(ctx context.Context, env []string, bin string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// pgEnv turns a postgres:// URL into libpq's environment variables (so
// that the password never shows on a command line) and the schema its
// search_path names ("" for none). Parameters libpq has no variable for
// are left out.
func pgEnv(dsn string) (env []string, schema string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, "", fault.Invalidf("db", "db.url", "the database URL does not parse: %v", err)
	}
	set := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	set("PGHOST", u.Hostname())
	set("PGPORT", u.Port())
	if u.User != nil {
		set("PGUSER", u.User.Username())
		if p, ok := u.User.Password(); ok {
			set("PGPASSWORD", p)
		}
	}
	set("PGDATABASE", strings.TrimPrefix(u.Path, "/"))
	q := u.Query()
	for param, v := range map[string]string{"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE",
		"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
		"application_name": "PGAPPNAME", "options": "PGOPTIONS", "target_session_attrs": "PGTARGETSESSIONATTRS"} {
		set(v, q.Get(param))
	}
	if sp := q.Get("search_path"); sp != "" {
		schema = strings.TrimSpace(strings.Split(sp, ",")[0])
		if schema == "$user" || strings.ContainsAny(schema, `"' `) {
			return nil, "", fault.Invalidf("db", "db.url", "search_path %q: give one plain schema name", sp)
		}
	}
	return env, schema, nil
}

// pgDBName is the database name in env (libpq's default: the user's name).
func pgDBName(env []string) string {
	name, user := "", ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PGDATABASE="); ok {
			name = v
		}
		if v, ok := strings.CutPrefix(kv, "PGUSER="); ok {
			user = v
		}
	}
	if name == "" {
		return user
	}
	return name
}

// redact removes the password from a database URL.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the database"
	}
	return u.Redacted()
}

// dumpList is the table of contents of a pg_dump archive (pg_restore --list).
type dumpList struct{ lines []dumpLine }

type dumpLine struct {
	text   string
	fields []string // "ID; OID OID TYPE SCHEMA NAME OWNER" split on blanks, comments ("; …") empty
}

// pgDumpList reads the table of contents of the archive at file.
func pgDumpList(ctx context.Context, env []string, file string) (dumpList, error) {
	bin, err := exec.LookPath("pg_restore")
	if err != nil {
		return dumpList{}, errors.New("pg_restore is not on PATH")
	}
	if _, err := os.Stat(file); err != nil {
		return dumpList{}, err
	}
	cmd := exec.CommandContext(ctx, bin, "--list", file)
	cmd.Env = append(os.Environ(), env...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return dumpList{}, fmt.Errorf("%s", strings.TrimSpace(stderr.String()))
	}
	var l dumpList
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := dumpLine{text: sc.Text()}
		if !strings.HasPrefix(line.text, ";") {
			line.fields = strings.Fields(line.text)
		}
		l.lines = append(l.lines, line)
	}
	return l, sc.Err()
}

// schema returns the schema of the archive's schema_migrations table.
func (l dumpList) schema() (string, bool) {
	for _, x := range l.lines {
		if f := x.fields; len(f) >= 6 && f[3] == "TABLE" && f[5] == "schema_migrations" {
			return f[4], true
		}
	}
	return "", false
}

// isSchema reports whether the entry creates the schema name.
func (x dumpLine) isSchema(name string) bool {
	f := x.fields
	return len(f) >= 6 && f[3] == "SCHEMA" && f[4] == "-" && f[5] == name
}
