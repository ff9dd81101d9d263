package store

import (
	"database/sql"
	"fmt"
	"time"

	"hrss/rules/money"
	"hrss/rules/period"
)

// Dates and timestamps cross the driver as text ("YYYY-MM-DD", RFC 3339
// UTC): SQLite stores the text, PostgreSQL parses it into DATE and
// TIMESTAMPTZ. Scanning accepts both the text and the time.Time that pgx
// returns.

// dateArg returns the parameter for a date column: NULL for the zero Date.
func dateArg(d period.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// tsArg returns the parameter for a timestamp column.
func tsArg(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// dateCol scans a nullable date column.
type dateCol struct{ d *period.Date }

func (c dateCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*c.d = period.Date{}
	case time.Time:
		*c.d = period.Date{Y: x.Year(), M: int(x.Month()), D: x.Day()}
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	default:
		return fmt.Errorf("date column: unexpected %T", v)
	}
	return nil
}

func (c dateCol) parse(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	d, err := period.ParseDate(s)
	*c.d = d
	return err
}

// tsCol scans a timestamp column.
type tsCol struct{ t *time.Time }

func (c tsCol) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		*c.t = x.UTC()
	case string:
		t, err := time.Parse(time.RFC3339Nano, x)
		*c.t = t
		return err
	case []byte:
		return c.Scan(string(x))
	default:
		return fmt.Errorf("timestamp column: unexpected %T", v)
	}
	return nil
}

// pctToDec and decToPct convert a factor like 1.25 to and from the integer
// percent (125) it is stored as.
func pctToDec(pct int64) money.Dec { return money.Fen(pct).Dec() }

func decToPct(d money.Dec) int64 { return d.Shift(2).Round(0).IntPart() }

// nullString scans a nullable text column into a string ("" for NULL).
type nullString struct{ s *string }

func (c nullString) Scan(v any) error {
	var ns sql.NullString
	if err := ns.Scan(v); err != nil {
		return err
	}
	*c.s = ns.String
	return nil
}

// textArg returns NULL for "" and s otherwise.
func textArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}
