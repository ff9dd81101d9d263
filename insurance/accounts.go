package insurance

import (
	"context"
	"fmt"
	"sort"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// LegacyYear is one year of a person's record as the legacy system
// delivers it: months paid, the average monthly base, the average wage
// the year was indexed against, the account credits and interest.
type LegacyYear struct {
	PersonID    int64     `json:"person_id"`
	Year        int       `json:"year"`
	Months      int       `json:"months"`
	AverageBase money.Fen `json:"avg_base"`
	AverageWage money.Fen `json:"avg_wage"`
	Credits     money.Fen `json:"credits"`
	Interest    money.Fen `json:"interest"`
}

// ImportLegacy records yearly records migrated from the legacy system
// under batch; a year already recorded for a person is left as it is.
// It fails with Invalid (naming the record) for impossible values,
// writing nothing.
func (s *Service) ImportLegacy(ctx context.Context, batch string, years []LegacyYear) error {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return err
	}
	for i, y := range years {
		if y.PersonID <= 0 || y.Year < 1980 || y.Year > 2100 || y.Months < 0 || y.Months > 12 || y.AverageBase < 0 || y.AverageWage <= 0 || y.Credits < 0 || y.Interest < 0 {
			return fault.Invalidf("years", "account.legacy", "record %d (person %d, year %d) has impossible values", i+1, y.PersonID, y.Year).At(i+1, "")
		}
	}
	if batch == "" {
		return fault.Invalidf("batch", "account.legacy_batch", "the migration batch must be named")
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.InsertLegacy(ctx, batch, years); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.accounts.legacy", "legacy/"+batch)
	})
}

// YearClose is the yearly interest posting of the personal accounts.
type YearClose struct {
	ID        int64     `json:"id"`
	Year      int       `json:"year"`
	Persons   int       `json:"persons"`
	Interest  money.Fen `json:"interest"`
	Actor     string    `json:"actor"`
	CreatedAt time.Time `json:"created_at"`
	Already   bool      `json:"already_closed"`
}

// AccountOpening is what a person's account holds before a year and
// what the year credited.
type AccountOpening struct {
	PersonID int64
	Opening  money.Fen
	Credits  money.Fen
}

// CloseYear posts the year's interest to every personal account
// (rules.Params.AccountInterest: opening × r + credits × r × factor / 2,
// half-up to the fen, with the year's crediting rate) in one
// transaction. Accounts whose legacy record already covers the year are
// left out. Closing a closed year does nothing and returns the first
// close (idempotent). Credits booked later (a bill paid after the close)
// go to the next year. It fails with Invalid when no crediting rate is
// in force for the year.
func (s *Service) CloseYear(ctx context.Context, year int) (YearClose, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return YearClose{}, err
	}
	if year < 1990 || year > s.today().Y {
		return YearClose{}, fault.Invalidf("year", "account.close_year", "year %d is not between 1990 and this year", year)
	}
	var yc YearClose
	err = s.Store.Update(ctx, func(tx Tx) error {
		if old, ok, err := tx.YearCloseOf(ctx, year); err != nil || ok {
			yc, yc.Already = old, ok
			return err
		}
		yc = YearClose{Year: year, Actor: c.Actor(), CreatedAt: s.now()}
		if err := tx.InsertYearClose(ctx, &yc); err != nil {
			return err
		}
		opens, err := tx.AccountOpenings(ctx, year)
		if err != nil {
			return err
		}
		rows := make([]InterestYear, 0, len(opens))
		for _, o := range opens {
			ay, _, err := s.Params.AccountInterest("", year, o.Opening, o.Credits)
			if err != nil {
				return err
			}
			rows = append(rows, InterestYear{PersonID: o.PersonID, Year: year, Close: yc.ID, Opening: o.Opening, Credits: o.Credits,
				Rate: ay.Rate.String(), Interest: ay.Interest, Closing: ay.Closing})
			yc.Interest += ay.Interest
		}
		yc.Persons = len(rows)
		if err := tx.InsertInterest(ctx, rows); err != nil {
			return err
		}
		if err := s.record(ctx, tx, c, "insurance.accounts.close_year", fmt.Sprintf("year/%d", year)); err != nil {
			return err
		}
		return tx.UpdateYearClose(ctx, yc)
	})
	return yc, err
}

// InterestYear is one year of interest posted to one account.
type InterestYear struct {
	PersonID int64     `json:"person_id"`
	Year     int       `json:"year"`
	Close    int64     `json:"close"`
	Opening  money.Fen `json:"opening"`
	Credits  money.Fen `json:"credits"`
	Rate     string    `json:"rate"`
	Interest money.Fen `json:"interest"`
	Closing  money.Fen `json:"closing"`
}

// CreditYear sums a person's paid contribution months booked in a year.
type CreditYear struct {
	Year    int
	Months  int       // distinct months paid
	BaseSum money.Fen // sum of the monthly bases
	Credits money.Fen
}

// StatementYear is one year of a rights record (个人权益记录).
type StatementYear struct {
	Year        int       `json:"year"`
	Source      string    `json:"source"` // legacy or assessed
	Months      int       `json:"months"`
	AverageBase money.Fen `json:"avg_base"`
	Credits     money.Fen `json:"credits"`
	Interest    money.Fen `json:"interest"`
	Balance     money.Fen `json:"balance"` // at the year's end (credits included even before the year is closed)
	Closed      bool      `json:"closed"`  // interest posted (legacy years always)
}

// Statement is a person's rights record: per year the base, months
// paid, credits, interest and the account balance.
type Statement struct {
	PersonID int64           `json:"person_id"`
	Name     string          `json:"name"`
	Division string          `json:"division"`
	Months   int             `json:"months"`
	Balance  money.Fen       `json:"balance"`
	Years    []StatementYear `json:"years"`
}

// Statement returns person id's rights record. A caller out of reach
// gets NotFound, as for a person who does not exist.
func (s *Service) Statement(ctx context.Context, id int64) (Statement, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return Statement{}, err
	}
	var st Statement
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (access.Event, error) {
		pb, err := tx.PersonBasics(ctx, id)
		if err != nil {
			return access.Event{}, err
		}
		if !ownPerson(c, id, pb.Division) {
			return access.Event{}, fault.NotFoundf("person %d not found", id)
		}
		st = Statement{PersonID: id, Name: pb.Name, Division: pb.Division, Years: []StatementYear{}}
		return access.Event{Action: "insurance.statement.view", Object: fmt.Sprintf("person/%d", id), Subjects: []int64{id}}, s.fillStatement(ctx, tx, &st)
	})
	return st, err
}

func (s *Service) fillStatement(ctx context.Context, tx Tx, st *Statement) error {
	legacy, err := tx.LegacyYears(ctx, st.PersonID)
	if err != nil {
		return err
	}
	credits, err := tx.CreditYears(ctx, st.PersonID)
	if err != nil {
		return err
	}
	interest, err := tx.InterestYears(ctx, st.PersonID)
	if err != nil {
		return err
	}
	byYear := map[int]*StatementYear{}
	for _, l := range legacy {
		byYear[l.Year] = &StatementYear{Year: l.Year, Source: "legacy", Months: l.Months, AverageBase: l.AverageBase, Credits: l.Credits, Interest: l.Interest, Closed: true}
	}
	for _, cy := range credits {
		y := byYear[cy.Year]
		if y == nil {
			y = &StatementYear{Year: cy.Year, Source: "assessed"}
			byYear[cy.Year] = y
		}
		y.Months += cy.Months
		y.Credits += cy.Credits
		if cy.Months > 0 {
			y.AverageBase = money.RoundHalfUp(cy.BaseSum.Dec().Div(money.Fen(int64(cy.Months) * 100).Dec())) // the mean monthly base, half-up to the fen
		}
	}
	for _, iy := range interest {
		y := byYear[iy.Year]
		if y == nil {
			y = &StatementYear{Year: iy.Year, Source: "assessed"}
			byYear[iy.Year] = y
		}
		y.Interest, y.Closed = iy.Interest, true
	}
	for _, y := range byYear {
		st.Years = append(st.Years, *y)
	}
	sort.Slice(st.Years, func(i, j int) bool { return st.Years[i].Year < st.Years[j].Year })
	for i := range st.Years {
		st.Balance += st.Years[i].Credits + st.Years[i].Interest
		st.Years[i].Balance = st.Balance
		st.Months += st.Years[i].Months
	}
	return nil
}

// PersonBasics is what social insurance needs of a person.
type PersonBasics struct {
	ID       int64
	Name     string
	Sex      string
	Birth    period.Date
	Division string // residence division
}
