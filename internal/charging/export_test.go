package charging

// WaitStops waits for the stops asked again apart (askStop) to end.
func (s *Service) WaitStops() { s.stops.wg.Wait() }
