using System.Net;
using Amazon.Runtime;
using Amazon.Runtime.Internal;

namespace SecretAgent.Aws;

/// <summary>
/// Puts a handler that refuses redirects under the SDK's redirect handler in every client pipeline. The SDK follows an
/// S3 307 to whatever Location the answer names (re-signing the request for it), and fails with an
/// ArgumentException (exit 70) when that is not an S3 URI. A request sent to a VPC or custom endpoint must not
/// wander off to an address a response chose, so a 3xx becomes <see cref="RedirectRefusedException"/>, which
/// <see cref="S3Errors"/> reports with the bucket and the region S3 named.
/// </summary>
internal sealed class NoRedirects : IRuntimePipelineCustomizer
{
    public string UniqueName => "SecretAgent.NoRedirects";

    public static void Register() => RuntimePipelineCustomizerRegistry.Instance.Register(new NoRedirects());

    public void Customize(Type type, RuntimePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        // Inside the SDK's handler, so a redirect is refused before it can be followed, while every other 3xx
        // (304 Not Modified for a conditional GET) still reaches the SDK's handler as before.
        if (pipeline.Handlers.Any(h => h is Amazon.S3.Internal.AmazonS3RedirectHandler))
        {
            pipeline.AddHandlerAfter<Amazon.S3.Internal.AmazonS3RedirectHandler>(new RefuseRedirects());
        }
        else if (pipeline.Handlers.Any(h => h.GetType() == typeof(RedirectHandler)))
        {
            pipeline.AddHandlerAfter<RedirectHandler>(new RefuseRedirects());
        }
    }

    private sealed class RefuseRedirects : PipelineHandler
    {
        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            var result = await base.InvokeAsync<T>(executionContext);
            Check(executionContext);
            return result;
        }

        public override void InvokeSync(IExecutionContext executionContext)
        {
            base.InvokeSync(executionContext);
            Check(executionContext);
        }

        private static void Check(IExecutionContext executionContext)
        {
            var response = executionContext.ResponseContext.HttpResponse;
            if (response is { StatusCode: HttpStatusCode.MovedPermanently or HttpStatusCode.Redirect or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect })
            {
                throw new RedirectRefusedException(response.StatusCode, response.GetHeaderValue("x-amz-bucket-region"));
            }
        }
    }
}

/// <summary>An endpoint answered with a redirect, which is never followed. <see cref="Region"/> is S3's x-amz-bucket-region, unchecked.</summary>
#pragma warning disable CA1032 // Only NoRedirects creates it.
internal sealed class RedirectRefusedException(HttpStatusCode status, string? region)
    : Exception($"redirect {(int)status} refused")
#pragma warning restore CA1032
{
    public HttpStatusCode Status { get; } = status;

    public string? Region { get; } = region;
}
