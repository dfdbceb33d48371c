// The smallest Razor Pages app: what any Razor Pages app pays to start, for the cold-start ratio (docs/performance.md).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorPages();
var app = builder.Build();
app.MapRazorPages();
await app.RunAsync();
