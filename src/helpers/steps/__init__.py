"""Study steps that gather the work of several analyses (today the embed step, helpers.steps.embed)."""
