// The Tensor module; its files arrive with the work that builds it.
