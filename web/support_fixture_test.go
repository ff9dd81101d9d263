package web_test

import (
	"hrss/registry"
	"hrss/rules"
	"hrss/store"
	"hrss/support"
)

// supportOf finds the support service of a test app by its registry.
var supportOf = map[*registry.Service]*support.Service{}

// testSupport returns the support programmes' service of a test app, on
// the registry's clock.
func testSupport(db *store.DB, reg *registry.Service) *support.Service {
	params, err := rules.Embedded()
	if err != nil {
		panic(err)
	}
	svc := &support.Service{Store: db.Support(), Params: params, Now: reg.Now}
	supportOf[reg] = svc
	return svc
}
