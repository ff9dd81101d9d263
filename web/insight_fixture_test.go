package web_test

import (
	"hrss/insight"
	"hrss/registry"
	"hrss/rules"
	"hrss/store"
)

// insightOf finds the indicators' service of a test app by its registry.
var insightOf = map[*registry.Service]*insight.Service{}

// testInsight returns the indicators' service of a test app, on the
// registry's clock.
func testInsight(db *store.DB, reg *registry.Service) *insight.Service {
	params, err := rules.Embedded()
	if err != nil {
		panic(err)
	}
	svc := &insight.Service{Store: db.Insight(), Params: params, Now: reg.Now}
	insightOf[reg] = svc
	return svc
}
