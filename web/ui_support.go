package web

// supportUIRoutes are the support programmes' browser screens, appended
// to uiRoutes().
func (s *Server) supportUIRoutes() []uiRoute {
	return nil
}
