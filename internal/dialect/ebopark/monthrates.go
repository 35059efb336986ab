package ebopark

func (h *Handler) monthRateOps() map[string]operation { return nil }
