//go:build !unix

package store

import "hrss/rules/fault"

// lockUnused cannot tell on this system whether another process has the
// SQLite database at path open: it always answers Conflict, which a
// restore overrides with --force once every hrss process is stopped.
func lockUnused(path string) (release func(), err error) {
	return func() {}, fault.Conflictf("db", "restore.in_use", "cannot tell on this system whether %s is in use: stop every hrss process using it and pass --force", path)
}
