using Microsoft.Extensions.Options;

namespace AuthActionApi.Hosting;

/// <summary>The range <see cref="ShutdownOptions"/> declares, checked by the source-generated validator.</summary>
[OptionsValidator]
internal sealed partial class ShutdownOptionsAnnotations : IValidateOptions<ShutdownOptions>;
