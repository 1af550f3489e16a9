namespace KernelGan.Gan.Training;

/// <summary>
/// How the layers are kept independent during training: ILSGAN's CLUB bound, or a MINE bound
/// (ILSGAN and the prior), or none.
/// </summary>
public enum IndependenceTerm { Club, Mine, None }
