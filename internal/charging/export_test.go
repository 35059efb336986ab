package charging

// WaitStops waits for parkd's own stops, waiting apart (askStop), to end.
func (s *Service) WaitStops() { s.stops.wg.Wait() }
