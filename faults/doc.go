// Package faults holds the fault tests of hrss: each starts the real
// binary (built from this tree with go build) and breaks something under
// it, then proves that nothing acknowledged was lost, nothing was
// half-written, the error said what happened, and hrss check and hrss
// audit verify pass afterwards.
//
//   - kill -9 of hrss serve during a stream of writes through the JSON
//     API (SQLite and PostgreSQL): every write answered 2xx is there,
//     none is half-written (a person without its audit entry, a relation
//     without its person).
//   - kill -9 of hrss serve during a month's close queued through the API
//     (SQLite and PostgreSQL): the restarted server's worker finishes the
//     close, which then equals a copy's closed without interruption.
//   - PostgreSQL stopped (immediate mode, as a crash) and started again
//     during a monthly assessment run and during a collection import, on
//     a private PostgreSQL cluster of the test's own (initdb into a
//     temporary directory; the shared server is never restarted): the job
//     fails with a clear error, nothing of it is applied, and running it
//     again ends exactly as a clean run on a copy of the same database.
//   - SQLite on a full disk (an 8 MB tmpfs): a clear error (503, rule
//     store.disk_full), the database intact (PRAGMA integrity_check) and
//     usable once space is freed.
//   - a truncated or corrupted collection file (CSV and Excel), a --db
//     that is not a SQLite file and a SQLite database that is not hrss's:
//     a clear error, and nothing written.
//
// The package has no code outside its tests.
package faults
