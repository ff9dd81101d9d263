package insurance

import (
	"context"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// retirementBalance is the person's account balance at a pension starting
// in retire: what is posted (legacy records, credits, interest of closed
// years) plus the interest of the retirement year's months elapsed
// before retire (rules.Params.RetirementInterest, RULES.md §2 [U]), with
// its trace. A year already closed for the person, or covered by a legacy
// record, has its interest posted: nothing is added (nil result).
func (s *Service) retirementBalance(ctx context.Context, tx Tx, pb PersonBasics, retire period.YearMonth) (money.Fen, *rules.RetirementInterestResult, error) {
	posted, err := tx.AccountBalance(ctx, pb.ID)
	if err != nil {
		return 0, nil, err
	}
	y := retire.Year()
	in := rules.RetirementInterestInput{Division: pb.Division, Retire: retire}
	legacy, err := tx.LegacyYears(ctx, pb.ID)
	if err != nil {
		return 0, nil, err
	}
	for _, l := range legacy {
		if l.Year >= y {
			return posted, nil, nil
		}
		in.Opening += l.Credits + l.Interest
	}
	interest, err := tx.InterestYears(ctx, pb.ID)
	if err != nil {
		return 0, nil, err
	}
	for _, i := range interest {
		if i.Year >= y {
			return posted, nil, nil
		}
		in.Opening += i.Interest
	}
	credits, err := tx.CreditYears(ctx, pb.ID)
	if err != nil {
		return 0, nil, err
	}
	for _, c := range credits {
		switch {
		case c.Year < y:
			in.Opening += c.Credits
		case c.Year == y:
			in.Credits += c.Credits
		}
	}
	res, err := s.Params.RetirementInterest(in, true)
	if err != nil {
		return 0, nil, err
	}
	return posted + res.Interest, &res, nil
}
