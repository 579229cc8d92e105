import { describe, expect, it } from 'vitest';
import { artifactPathProblem, normalizeTrackingUri, proxiedArtifactPath, uriContainsSecret } from './tracking-uri';

describe('normalizeTrackingUri', () => {
  it('accepts http(s) and turns an Azure ML azureml:// URI into its https:// REST base', () => {
    expect(normalizeTrackingUri(' http://localhost:5000/ ')).toEqual({ ok: true, uri: 'http://localhost:5000' });
    expect(normalizeTrackingUri('https://mlflow.example/team/')).toEqual({ ok: true, uri: 'https://mlflow.example/team' });
    const azure = 'azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w';
    expect(normalizeTrackingUri(azure)).toEqual({ ok: true, uri: azure.replace('azureml://', 'https://') });
  });

  it('refuses credentials, queries and other schemes, saying why', () => {
    for (const [input, words] of [
      ['', 'Enter'],
      ['mlflow', 'not a URL'],
      ['file:///tmp/mlruns', 'scheme "file"'],
      ['https://user:secret@mlflow.example', 'user name or password'],
      ['https://mlflow.example/?token=abc', 'query'],
      ['https://mlflow.example/#abc', 'fragment'],
    ]) {
      const result = normalizeTrackingUri(input);
      expect(result.ok, input).toBe(false);
      if (!result.ok) expect(result.message).toContain(words);
    }
  });

  it('spots a token pasted into the URI', () => {
    expect(uriContainsSecret('https://x.example/canary-TOKEN-123', 'canary-TOKEN-123')).toBe(true);
    expect(uriContainsSecret('https://x.example/a', 'canary-TOKEN-123')).toBe(false);
  });
});

describe('artifact paths', () => {
  it('maps a run artifact under the proxy, with or without a host in the URI', () => {
    expect(proxiedArtifactPath('mlflow-artifacts:/1/abc/artifacts', 'model/model.json')).toBe('1/abc/artifacts/model/model.json');
    expect(proxiedArtifactPath('mlflow-artifacts://host:5000/1/abc/artifacts/', 'a.txt')).toBe('1/abc/artifacts/a.txt');
    expect(proxiedArtifactPath('s3://bucket/1/abc/artifacts', 'a.txt')).toBeUndefined();
  });

  it('refuses paths that could leave the run folder', () => {
    for (const path of ['../x', 'a/../../b', '/etc/passwd', 'C:/x', 'a\\b', 'a//b', './a', 'a#b', '', 'a\u0000b']) {
      expect(artifactPathProblem(path), JSON.stringify(path)).toBeDefined();
      expect(() => proxiedArtifactPath('mlflow-artifacts:/1/r/artifacts', path)).toThrow('refused');
    }
    expect(artifactPathProblem('model/weights.bin')).toBeUndefined();
  });
});
