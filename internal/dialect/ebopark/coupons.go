package ebopark

func (h *Handler) couponOps() map[string]operation { return nil }
