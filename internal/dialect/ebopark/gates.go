package ebopark

func (h *Handler) gateOps() map[string]operation { return nil }
