package web

import (
	"context"
	"slices"

	"hrss/insurance"
	"hrss/rules/period"
)

// The insurance sections of the person and employer pages. Each is shown
// only when the server has the insurance service and the caller's role
// may read it: a refusal (an employer agent reading a person's account)
// leaves the section out rather than failing the page.

// insuranceSection is a person's rights record and claims.
type insuranceSection struct {
	Statement insurance.Statement
	Claims    []insurance.Claim
}

// personInsurance returns the person's statement and claims, or nil.
func (s *Server) personInsurance(ctx context.Context, personID int64) *insuranceSection {
	if s.Insurance == nil {
		return nil
	}
	st, err := s.Insurance.Statement(ctx, personID)
	if err != nil {
		return nil
	}
	sec := &insuranceSection{Statement: st}
	slices.Reverse(sec.Statement.Years) // latest year first
	if cl, err := s.Insurance.Claims(ctx, insurance.ClaimFilter{PersonID: personID}); err == nil {
		sec.Claims = cl
	}
	return sec
}

// billsSection is an employer's latest bills and its arrears today.
type billsSection struct {
	Bills   []insurance.Bill
	Arrears *insurance.PayerArrears
	AsOf    period.Date
}

// uiBillRows is how many of the latest bills the employer page shows.
const uiBillRows = 12

// employerInsurance returns the employer's bills and arrears, or nil.
func (s *Server) employerInsurance(ctx context.Context, employerID int64, today period.Date) *billsSection {
	if s.Insurance == nil {
		return nil
	}
	bills, err := s.Insurance.Bills(ctx, insurance.BillFilter{PayerKind: insurance.PayerEmployer, PayerID: employerID})
	if err != nil {
		return nil
	}
	slices.Reverse(bills) // latest period first
	sec := &billsSection{Bills: bills[:min(len(bills), uiBillRows)], AsOf: today}
	if a, err := s.Insurance.Arrears(ctx, today); err == nil {
		for i, p := range a.Payers {
			if p.PayerKind == insurance.PayerEmployer && p.PayerID == employerID {
				sec.Arrears = &a.Payers[i]
			}
		}
	}
	return sec
}
