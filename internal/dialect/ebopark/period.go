package ebopark

func (h *Handler) periodOps() map[string]operation { return nil }
