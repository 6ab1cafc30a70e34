FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY postmortems ./postmortems
COPY slos ./slos
RUN pip install --no-cache-dir .
COPY . .
RUN mkdir -p /tmp/prometheus-multiproc
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--config", "deploy/gunicorn.conf.py"]
