/**
 * A canvas to draw a picture-world combination on (or drop a picture onto),
 * classified by the worker with the picture backbone. The pixels cross to the
 * worker as a transferred buffer; nothing leaves the machine.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Classification } from '../core/classify.ts';
import { useController } from './context.ts';

const COLOURS: Record<string, string> = { red: '#d62828', green: '#2a9d3a', blue: '#1f5fd6', yellow: '#f2c12e', purple: '#8e44ad', grey: '#777' };
const SIZE = 224;

export function DrawingPad({ scope, onResult }: { scope: 'unseen' | 'all'; onResult: (result: Classification | null) => void }) {
  const controller = useController();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [colour, setColour] = useState('red');
  const [brush, setBrush] = useState(18);
  const drawing = useRef<{ x: number; y: number } | null>(null);

  const clear = () => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, SIZE, SIZE);
  };
  useEffect(clear, []);

  const point = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * SIZE, y: ((e.clientY - rect.top) / rect.height) * SIZE };
  };
  const stroke = (to: { x: number; y: number }) => {
    const context = canvas.current?.getContext('2d');
    const from = drawing.current;
    if (!context || !from) return;
    context.strokeStyle = COLOURS[colour]!;
    context.lineWidth = brush;
    context.lineCap = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    drawing.current = to;
  };
  const classify = async () => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const { data } = context.getImageData(0, 0, SIZE, SIZE);
    onResult(await controller.classifyPixels(data, SIZE, SIZE, scope));
  };

  return (
    <div className="drawing">
      <canvas
        ref={canvas}
        width={SIZE}
        height={SIZE}
        data-testid="drawing-canvas"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = point(e);
          stroke(point(e));
        }}
        onPointerMove={(e) => drawing.current && stroke(point(e))}
        onPointerUp={() => {
          drawing.current = null;
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const file = e.dataTransfer.files[0];
          if (file) void controller.classifyImageFile(file, scope).then(onResult);
        }}
      />
      <div className="drawing-tools">
        <div className="swatches">
          {Object.entries(COLOURS).map(([name, css]) => (
            <button
              key={name}
              type="button"
              title={name}
              aria-label={name}
              className={name === colour ? 'swatch selected' : 'swatch'}
              style={{ background: css }}
              onClick={() => setColour(name)}
            />
          ))}
        </div>
        <label>
          Brush <input type="range" min={4} max={60} value={brush} onChange={(e) => setBrush(Number(e.target.value))} />
        </label>
        <div className="row">
          <button type="button" className="primary" data-testid="classify-drawing" onClick={() => void classify()}>
            What is it?
          </button>
          <button type="button" onClick={clear}>
            Clear
          </button>
        </div>
        <label className="hint">
          …or pick a picture:{' '}
          <input
            type="file"
            accept="image/png,image/jpeg,image/webp"
            data-testid="picture-input"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void controller.classifyImageFile(file, scope).then(onResult);
              e.target.value = '';
            }}
          />
        </label>
      </div>
    </div>
  );
}
