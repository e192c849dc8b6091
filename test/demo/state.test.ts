// Deep links: the query parameters of the issue, what happens to bad values, and the round trip.
import { describe, expect, it } from 'vitest';
import { defaultState, parseState, stateQuery } from '../../demo/src/state.js';

describe('demo deep links', () => {
  it('reads warp, its parameters, mode, padding, alignCorners, backend and size', () => {
    const { state, problems } = parseState(
      '?warp=lens&k1=0.3&k2=-0.05&mode=bicubic&padding=border&alignCorners=true&backend=cpu&size=256',
    );
    expect(problems).toEqual([]);
    expect(state).toMatchObject({
      warp: 'lens',
      mode: 'bicubic',
      padding: 'border',
      alignCorners: true,
      backend: 'cpu',
      size: 256,
    });
    expect(state.params.lens).toMatchObject({ k1: 0.3, k2: -0.05 });
    // another warp's parameter of the same name is not touched
    expect(parseState('?warp=affine&angle=45').state.params.affine.angle).toBe(45);
    expect(parseState('?warp=affine&strength=3').state.params.swirl.strength).toBe(
      defaultState().params.swirl.strength,
    );
  });

  it('reads perspective corners as 8 numbers', () => {
    const { state } = parseState('?warp=perspective&corners=-1,-1,1,-1,1,1,-1,1');
    expect(state.corners).toEqual([-1, -1, 1, -1, 1, 1, -1, 1]);
  });

  it('keeps defaults for values it does not understand and says which', () => {
    const { state, problems } = parseState('?warp=twirl&mode=cubic&size=9999&alignCorners=yes&corners=1,2');
    const defaults = defaultState();
    expect(state.warp).toBe(defaults.warp);
    expect(state.mode).toBe(defaults.mode);
    expect(state.size).toBe(defaults.size);
    expect(state.alignCorners).toBe(false);
    expect(state.corners).toEqual(defaults.corners);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe('warp=twirl ignored: expected one of affine, perspective, lens, swirl, ripple, brush');
  });

  it('clamps a parameter to its slider range and says so', () => {
    const { state, problems } = parseState('?warp=swirl&strength=100&radius=abc');
    expect(state.params.swirl.strength).toBe(12);
    expect(problems).toEqual(['strength=100 clamped to 12', 'radius=abc ignored: expected a number from 0.05 to 2']);
  });

  it('round-trips: the query written for a state reads back as that state', () => {
    const { state } = parseState(
      '?warp=ripple&amplitude=0.07&phase=30&mode=nearest&padding=zeros&size=384&compare=true',
    );
    const again = parseState(stateQuery(state));
    expect(again.problems).toEqual([]);
    expect(again.state).toEqual(state);
    const perspective = parseState('?warp=perspective&corners=-0.5,-1,1,-0.8,0.9,1,-1,0.6').state;
    expect(parseState(stateQuery(perspective)).state.corners).toEqual(perspective.corners);
  });
});
