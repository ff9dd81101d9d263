package web

// supportRoutes are the support programmes' API routes (programmes,
// scans, grants, batches, payment runs, bank returns, internships,
// loans), appended to routes().
func (s *Server) supportRoutes() []route {
	return nil
}
