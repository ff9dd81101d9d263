package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"hrss/insurance"
	"hrss/rules/money"
)

// InsertLegacy implements insurance.Tx.
func (t *Tx) InsertLegacy(ctx context.Context, batch string, years []insurance.LegacyYear) error {
	for i := 0; i < len(years); i += 500 {
		part := years[i:min(i+500, len(years))]
		args := make([]any, 0, len(part)*8)
		for _, y := range part {
			args = append(args, y.PersonID, y.Year, y.Months, int64(y.AverageBase), int64(y.AverageWage), int64(y.Credits), int64(y.Interest), batch)
		}
		q := `INSERT INTO ins_account_legacy (person_id, year, months, avg_base, avg_wage, credits, interest, batch) VALUES ` +
			"(?,?,?,?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?,?,?,?)", len(part)-1) + " ON CONFLICT DO NOTHING"
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// YearCloseOf implements insurance.Tx.
func (t *Tx) YearCloseOf(ctx context.Context, year int) (insurance.YearClose, bool, error) {
	var yc insurance.YearClose
	var interest int64
	err := t.queryRow(ctx, `SELECT id, year, persons, interest, actor, created_at FROM ins_year_closes WHERE year = ?`, year).
		Scan(&yc.ID, &yc.Year, &yc.Persons, &interest, &yc.Actor, tsCol{&yc.CreatedAt})
	yc.Interest = money.Fen(interest)
	if errors.Is(err, sql.ErrNoRows) {
		return yc, false, nil
	}
	return yc, err == nil, wrapDBError(err)
}

// InsertYearClose implements insurance.Tx.
func (t *Tx) InsertYearClose(ctx context.Context, yc *insurance.YearClose) error {
	id, err := t.insertID(ctx, `INSERT INTO ins_year_closes (year, persons, interest, actor, created_at) VALUES (?, ?, ?, ?, ?)`,
		yc.Year, yc.Persons, int64(yc.Interest), yc.Actor, tsArg(yc.CreatedAt))
	yc.ID = id
	return err
}

// UpdateYearClose implements insurance.Tx.
func (t *Tx) UpdateYearClose(ctx context.Context, yc insurance.YearClose) error {
	_, err := t.exec(ctx, `UPDATE ins_year_closes SET persons = ?, interest = ? WHERE id = ?`, yc.Persons, int64(yc.Interest), yc.ID)
	return err
}

// AccountOpenings implements insurance.Tx.
func (t *Tx) AccountOpenings(ctx context.Context, year int) ([]insurance.AccountOpening, error) {
	rows, err := t.query(ctx, `SELECT person_id, SUM(opening), SUM(credits) FROM (
			SELECT person_id, credits + interest AS opening, 0 AS credits FROM ins_account_legacy WHERE year < ?
			UNION ALL SELECT person_id, CASE WHEN book_year < ? THEN amount ELSE 0 END, CASE WHEN book_year = ? THEN amount ELSE 0 END
				FROM ins_credits WHERE book_year <= ?
			UNION ALL SELECT person_id, interest, 0 FROM ins_interest WHERE year < ?
		) x
		WHERE NOT EXISTS (SELECT 1 FROM ins_account_legacy l WHERE l.person_id = x.person_id AND l.year >= ?)
		GROUP BY person_id ORDER BY person_id`, year, year, year, year, year, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.AccountOpening
	for rows.Next() {
		var o insurance.AccountOpening
		var open, cred int64
		if err := rows.Scan(&o.PersonID, &open, &cred); err != nil {
			return nil, err
		}
		o.Opening, o.Credits = money.Fen(open), money.Fen(cred)
		out = append(out, o)
	}
	return out, rows.Err()
}

// InsertInterest implements insurance.Tx.
func (t *Tx) InsertInterest(ctx context.Context, rows []insurance.InterestYear) error {
	for i := 0; i < len(rows); i += 500 {
		part := rows[i:min(i+500, len(rows))]
		args := make([]any, 0, len(part)*8)
		for _, r := range part {
			args = append(args, r.PersonID, r.Year, r.Close, int64(r.Opening), int64(r.Credits), r.Rate, int64(r.Interest), int64(r.Closing))
		}
		q := `INSERT INTO ins_interest (person_id, year, close_id, opening, credits, rate, interest, closing) VALUES ` +
			"(?,?,?,?,?,?,?,?)" + strings.Repeat(",(?,?,?,?,?,?,?,?)", len(part)-1)
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// LegacyYears implements insurance.Tx.
func (t *Tx) LegacyYears(ctx context.Context, person int64) ([]insurance.LegacyYear, error) {
	rows, err := t.query(ctx, `SELECT person_id, year, months, avg_base, avg_wage, credits, interest FROM ins_account_legacy WHERE person_id = ? ORDER BY year`, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.LegacyYear
	for rows.Next() {
		var y insurance.LegacyYear
		var b, w, c, i int64
		if err := rows.Scan(&y.PersonID, &y.Year, &y.Months, &b, &w, &c, &i); err != nil {
			return nil, err
		}
		y.AverageBase, y.AverageWage, y.Credits, y.Interest = money.Fen(b), money.Fen(w), money.Fen(c), money.Fen(i)
		out = append(out, y)
	}
	return out, rows.Err()
}

// creditYearsQuery sums a person's credits per book year.
const creditYearsQuery = `SELECT book_year, count(DISTINCT period), SUM(base), SUM(amount) FROM ins_credits WHERE person_id = ? GROUP BY book_year ORDER BY book_year`

// CreditYears implements insurance.Tx.
func (t *Tx) CreditYears(ctx context.Context, person int64) ([]insurance.CreditYear, error) {
	rows, err := t.query(ctx, creditYearsQuery, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.CreditYear
	for rows.Next() {
		var y insurance.CreditYear
		var b, c int64
		if err := rows.Scan(&y.Year, &y.Months, &b, &c); err != nil {
			return nil, err
		}
		y.BaseSum, y.Credits = money.Fen(b), money.Fen(c)
		out = append(out, y)
	}
	return out, rows.Err()
}

// InterestYears implements insurance.Tx.
func (t *Tx) InterestYears(ctx context.Context, person int64) ([]insurance.InterestYear, error) {
	rows, err := t.query(ctx, `SELECT person_id, year, close_id, opening, credits, rate, interest, closing FROM ins_interest WHERE person_id = ? ORDER BY year`, person)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []insurance.InterestYear
	for rows.Next() {
		var y insurance.InterestYear
		var o, c, i, cl int64
		if err := rows.Scan(&y.PersonID, &y.Year, &y.Close, &o, &c, &y.Rate, &i, &cl); err != nil {
			return nil, err
		}
		y.Opening, y.Credits, y.Interest, y.Closing = money.Fen(o), money.Fen(c), money.Fen(i), money.Fen(cl)
		out = append(out, y)
	}
	return out, rows.Err()
}

// PersonBasics implements insurance.Tx.
func (t *Tx) PersonBasics(ctx context.Context, person int64) (insurance.PersonBasics, error) {
	p := insurance.PersonBasics{ID: person}
	err := t.queryRow(ctx, `SELECT name, sex, birth, residence_division FROM persons WHERE id = ?`, person).Scan(&p.Name, &p.Sex, dateCol{&p.Birth}, &p.Division)
	return p, notFound(err, "person", person)
}
