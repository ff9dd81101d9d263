package registry

import (
	"bytes"
	"context"

	"hrss/access"
	"hrss/rules/fault"
)

// SealSample is how many persons hrss check has CheckSeals read at each
// end of the registry by id: the oldest and the newest.
const SealSample = 500

// SealSampleAtStart is how many hrss serve reads at each end before it
// serves: enough to refuse a wrong or newly created key at once, cheap
// enough for every start.
const SealSampleAtStart = 5

// SealCheck is what CheckSeals found.
type SealCheck struct {
	Checked int     // persons whose resident ID was opened
	Failed  int     // of them, those that did not open under the key or hash to their lookup hash
	Persons []int64 // the first failed persons, at most 10
}

// CheckSeals checks that the service's key is the key the resident IDs
// were sealed under: the IDs of the oldest and the newest n persons (by
// id) must open under it and hash to their lookup hash. A
// sample, not every person: a wrong key (a restore or a rotation with
// another key file) fails every person, and persons sealed under a wrong
// key since (a server started with it) are the newest, so both ends
// catch what a full pass would, while a full pass over a city of
// millions would decrypt every resident ID at every check. Nothing is
// shown or audited: no number leaves the check. It needs System (the
// operator's CLI); a failure to read is the error, a failed ID is not.
func (s *Service) CheckSeals(ctx context.Context, n int) (SealCheck, error) {
	c, err := access.Current(ctx)
	if err != nil {
		return SealCheck{}, err
	}
	if !c.IsSystem() {
		return SealCheck{}, fault.Forbiddenf("the resident IDs' key is checked by the operator's hrss check only")
	}
	var out SealCheck
	err = s.Store.View(ctx, func(tx Tx) error {
		out = SealCheck{}
		oldest, err := tx.ListPersons(ctx, PersonFilter{Page: Page{Limit: n}})
		if err != nil {
			return err
		}
		newest, err := tx.ListPersons(ctx, PersonFilter{Newest: true, Page: Page{Limit: n}})
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, p := range append(oldest, newest...) {
			if !seen[p.ID] {
				seen[p.ID] = true
				s.checkSeal(&out, p)
			}
		}
		return nil
	})
	return out, err
}

// checkSeal opens p's resident ID and counts it in out.
func (s *Service) checkSeal(out *SealCheck, p SealedPerson) {
	out.Checked++
	rid, err := s.Vault.Open(p.IDSealed)
	if err == nil && bytes.Equal(s.Vault.Hash(rid), p.IDHash) {
		return
	}
	out.Failed++
	if len(out.Persons) < 10 {
		out.Persons = append(out.Persons, p.ID)
	}
}
