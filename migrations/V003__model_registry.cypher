// Model activations: which trained artifact version serves each (dataset, model), with
// the history that rollback walks back through.
CREATE INDEX model_activation_lookup IF NOT EXISTS FOR (n:ModelActivation) ON (n.dataset, n.model);
