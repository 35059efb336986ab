package gate

// SetLateAnomalyPage makes a replayed entry read the lot's anomalies n at
// a time, so a test pages past one page with few rows.
func (s *Service) SetLateAnomalyPage(n int) { s.latePage = n }
