package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"hrss/rules/fault"
)

// unavailable maps a failure of the database itself to a fault of kind
// Unavailable that names it and says that the transaction under way was
// rolled back: the disk holding the database full (SQLITE_FULL,
// PostgreSQL's 53100), or the connection to PostgreSQL lost (a restart
// or crash of the server, a cut network: an unexpected end of the
// stream, a refused or reset connection, a connection pgx closed under a
// second connection's COPY, SQLSTATE class 08 or 57P01-03).
// Any other error, nil included, is returned as it is.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Kind != fault.Internal {
		return err // already says what it is
	}
	switch {
	case diskFull(err):
		return &fault.Error{Kind: fault.Unavailable, Rule: "store.disk_full", Err: err,
			Message: "the disk holding the database is full: nothing of this change was written; free space on it and try again"}
	case connectionLost(err):
		return &fault.Error{Kind: fault.Unavailable, Rule: "store.connection_lost", Err: err,
			Message: "the connection to the database was lost (" + err.Error() + "): nothing of this change was written; try again once the database is back"}
	}
	return err
}

func diskFull(err error) bool {
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code()&0xff == 13 // SQLITE_FULL
	}
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "53100" || errors.Is(err, syscall.ENOSPC)
}

func connectionLost(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return strings.HasPrefix(pg.Code, "08") || pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
