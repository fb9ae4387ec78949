"""The runtime samplers, together: each is a generator that yields one `engine.runtime.frames.Frame` per
network step (autoregressive, diffusion, one_shot, the forward processes) or per batched step of
K continuations. Offline tools (train, evaluate, bank, the sample CLI) sit in `engine/` beside
them and only call them."""
